package io.meshlet.consul;

import io.meshlet.core.config.HostNames;

/** How a Consul service name becomes a mesh host. */
public enum HostForm {
  /** {@code reviews.service.consul}, the name Consul's DNS interface answers to. */
  CONSUL,
  /**
   * {@code reviews.<namespace>.svc.cluster.local}: Istio YAML written for Kubernetes ({@code hosts:
   * [reviews]}) applies unchanged, and callers in that namespace may use the short name {@code
   * reviews}, as Kubernetes DNS allows.
   */
  KUBERNETES;

  /** The host of Consul service {@code service} in this form; {@code namespace} is the mesh namespace. */
  String host(String service, String namespace) {
    return switch (this) {
      case CONSUL -> service.toLowerCase(java.util.Locale.ROOT) + ".service.consul";
      case KUBERNETES -> HostNames.qualify(service, namespace);
    };
  }
}
