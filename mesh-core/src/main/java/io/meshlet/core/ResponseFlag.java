package io.meshlet.core;

/**
 * Envoy's response flags, which say why the mesh failed or changed a call. Adapters put them on
 * errors, logs and metrics ({@code response_flags} label) so existing dashboards read them.
 */
public enum ResponseFlag {
  /** No route matched the request. */
  NR("no route"),
  /** The destination has no cluster (unknown host, undefined subset or port). */
  NC("no cluster"),
  /** No healthy upstream endpoint. */
  UH("no healthy upstream"),
  /** The host is not known to the mesh and the outbound policy is REGISTRY_ONLY. */
  BLOCKED("blocked by REGISTRY_ONLY");

  private final String description;

  ResponseFlag(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
