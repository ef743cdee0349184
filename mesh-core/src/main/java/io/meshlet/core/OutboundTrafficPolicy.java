package io.meshlet.core;

/** Istio's {@code meshConfig.outboundTrafficPolicy.mode}: what happens to a call to a host the mesh does not know. */
public enum OutboundTrafficPolicy {
  /** The call goes out unchanged (Istio's default). */
  ALLOW_ANY,
  /** The call fails: only hosts with a ServiceEntry or VirtualService may be called. */
  REGISTRY_ONLY
}
