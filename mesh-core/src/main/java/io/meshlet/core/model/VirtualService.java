package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Istio's {@code VirtualService} (HTTP part). {@code hosts} are fully qualified or wildcards
 * ({@code *.example.com}); {@code gateways} empty or containing {@code mesh} means it applies to
 * workloads in the mesh.
 */
public record VirtualService(
    ResourceId id,
    ResourceOrigin origin,
    List<String> hosts,
    List<String> gateways,
    List<HttpRoute> http,
    List<String> exportTo,
    List<String> notYetApplied)
    implements MeshResource {

  public VirtualService {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    hosts = List.copyOf(hosts);
    gateways = List.copyOf(gateways);
    http = List.copyOf(http);
    exportTo = List.copyOf(exportTo);
    notYetApplied = List.copyOf(notYetApplied);
  }

  /** True when this VirtualService applies to sidecar-less mesh clients (gateways empty or containing {@code mesh}). */
  public boolean appliesToMesh() {
    return gateways.isEmpty() || gateways.contains("mesh");
  }
}
