package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Istio's {@code WorkloadGroup}: the template istiod uses to register WorkloadEntries for VMs that
 * join the mesh on their own. Registration and the readiness {@code probe} need istiod, so inside
 * an application it is validated and listed, and everything in it is not applied ({@link
 * #notYetApplied}); WorkloadEntries written by hand are applied ({@link WorkloadEntry}).
 */
public record WorkloadGroup(ResourceId id, ResourceOrigin origin, List<String> notYetApplied) implements MeshResource {

  public WorkloadGroup {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    notYetApplied = List.copyOf(notYetApplied);
  }

  @Override
  public List<String> exportTo() {
    return List.of();
  }
}
