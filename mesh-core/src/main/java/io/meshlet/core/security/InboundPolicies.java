package io.meshlet.core.security;

import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.Workload;

/**
 * The PeerAuthentication and AuthorizationPolicy resources that apply to this workload, compiled
 * once per snapshot. Immutable; the request path only reads it.
 */
public final class InboundPolicies {
  /** Istio's default root namespace: policies there without a selector cover the whole mesh. */
  public static final String DEFAULT_ROOT_NAMESPACE = "istio-system";

  public static final InboundPolicies NONE = new InboundPolicies();

  private InboundPolicies() {}

  /** The policies of {@code config} that apply to {@code workload}. */
  public static InboundPolicies compile(MeshConfig config, Workload workload, String rootNamespace) {
    // TODO(issue 4 security): PeerAuthentication and AuthorizationPolicy resolution.
    return NONE;
  }

  /** The mutual TLS mode for calls arriving on {@code port}; {@code PERMISSIVE} when no policy says. */
  public MtlsMode mtlsMode(int port) {
    return MtlsMode.PERMISSIVE;
  }

  /** Checks a call: mutual TLS mode first, then authorization. */
  public InboundDecision check(InboundRequest request) {
    return new InboundDecision(true, mtlsMode(request.destinationPort()), null, "no policy applies");
  }
}
