package io.meshlet.core;

/**
 * Istio's {@code meshConfig.outboundTrafficPolicy.mode}: what happens to a call to a host the mesh
 * does not know. A workload's {@code Sidecar} {@code outboundTrafficPolicy} overrides it.
 */
public enum OutboundTrafficPolicy {
  /** The call goes out unchanged (Istio's default), through what Envoy calls the {@code PassthroughCluster}. */
  ALLOW_ANY,
  /** The call fails: only hosts with a ServiceEntry or VirtualService may be called; Envoy's {@code BlackHoleCluster}. */
  REGISTRY_ONLY
}
