package io.meshlet.core.model;

import java.util.List;

/** A top-level config resource, with its identity, its origin and the fields it carries that are not applied yet. */
public sealed interface MeshResource
    permits ServiceEntry,
        VirtualService,
        DestinationRule,
        CircuitBreakerPolicy,
        RateLimitPolicy,
        PeerAuthentication,
        AuthorizationPolicy,
        TelemetryPolicy,
        RequestAuthentication,
        Sidecar,
        WorkloadEntry,
        WorkloadGroup {
  ResourceId id();

  ResourceOrigin origin();

  /** Namespaces this resource is visible to ({@code *} for all, {@code .} for its own); empty means all. */
  List<String> exportTo();

  /**
   * Field paths that were read and validated but are not applied yet by this version of Meshlet,
   * for example {@code http[0].retries}. Reported as warnings, never silently dropped.
   */
  List<String> notYetApplied();

  default boolean visibleTo(String namespace) {
    List<String> exportTo = exportTo();
    if (exportTo.isEmpty()) {
      return true;
    }
    for (String ns : exportTo) {
      if (ns.equals("*") || ns.equals(namespace) || (ns.equals(".") && id().namespace().equals(namespace))) {
        return true;
      }
    }
    return false;
  }
}
