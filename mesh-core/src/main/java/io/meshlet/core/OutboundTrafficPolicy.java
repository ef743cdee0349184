package io.meshlet.core;

/**
 * Istio's {@code meshConfig.outboundTrafficPolicy.mode} (and a Sidecar's {@code
 * outboundTrafficPolicy}): what happens to a call to a host the mesh does not know.
 */
public enum OutboundTrafficPolicy {
  /** The call goes out unchanged (Istio's default), through what Envoy calls the {@link #PASSTHROUGH_CLUSTER}. */
  ALLOW_ANY,
  /** The call fails: only hosts with a ServiceEntry or VirtualService may be called; Envoy's {@link #BLACK_HOLE_CLUSTER}. */
  REGISTRY_ONLY;

  /** Envoy's (Istio's) name for where calls to unknown hosts go under ALLOW_ANY: in explain and messages. */
  public static final String PASSTHROUGH_CLUSTER = "PassthroughCluster";
  /** Envoy's (Istio's) name for where calls to unknown hosts go under REGISTRY_ONLY: in errors, explain and metrics. */
  public static final String BLACK_HOLE_CLUSTER = "BlackHoleCluster";

  /** The cluster Envoy would name for a call to an unknown host under this policy. */
  public String unknownHostCluster() {
    return this == REGISTRY_ONLY ? BLACK_HOLE_CLUSTER : PASSTHROUGH_CLUSTER;
  }
}
