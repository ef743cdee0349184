package io.meshlet.core.pipeline;

/**
 * Envoy's response flags, which say why the mesh failed or changed a call. Adapters put them on
 * errors, on responses the mesh made or touched ({@link #HEADER}; gRPC trailers of the same name),
 * in logs and in metrics ({@code response_flags} label) so existing dashboards read them.
 *
 * <p>Declared in the order Envoy prints them, so {@link ResponseFlags#toString()} joins a call's
 * flags as Envoy's {@code %RESPONSE_FLAGS%} would ({@code DI,URX}).
 */
public enum ResponseFlag {
  /** No healthy upstream endpoint. */
  UH("no healthy upstream"),
  /** Upstream request timeout: a per-try or route timeout, or the caller's deadline, expired. */
  UT("upstream request timeout"),
  /** Upstream connection failure. */
  UF("upstream connection failure"),
  /** Upstream connection termination: the upstream reset or closed the connection mid-call. */
  UC("upstream connection termination"),
  /** Upstream overflow: a connection-pool limit (circuit breaking) refused the call. */
  UO("upstream overflow"),
  /** No route matched the request. */
  NR("no route"),
  /** The request was delayed by fault injection. */
  DI("delay injected"),
  /** The request was aborted by fault injection. */
  FI("fault injected"),
  /** A local rate limit refused the call. */
  RL("rate limited"),
  /** The caller cancelled the call (or went away) before it completed. */
  DC("downstream connection termination"),
  /** Upstream retry limit exceeded: the last try failed and no retry was allowed (attempts, budget or deadline). */
  URX("upstream retry limit exceeded"),
  /** The destination has no cluster (unknown host, undefined subset or port). */
  NC("no cluster"),
  /** The host is not known to the mesh and the outbound policy is REGISTRY_ONLY. */
  BLOCKED("blocked by REGISTRY_ONLY");

  /** The response header (and gRPC trailer) that lists the flags of a call the mesh made or touched, comma-separated. */
  public static final String HEADER = "x-meshlet-response-flags";

  private final String description;

  ResponseFlag(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
