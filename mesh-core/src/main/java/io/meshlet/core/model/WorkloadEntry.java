package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code WorkloadEntry}: one workload outside Kubernetes (a VM, a bare-metal host), which a
 * {@link ServiceEntry} with a {@code workloadSelector} in the same namespace takes as an endpoint
 * when its labels match ({@link WorkloadSelection}).
 *
 * @param labels {@code spec.labels}, what selectors and DestinationRule subsets match
 * @param endpoint the endpoint it becomes (address, port overrides by port name, labels, locality,
 *     weight); null when it cannot be dialled from here (a {@code unix://} address, or no address
 *     with a {@code network}): selecting it then adds no endpoint
 */
public record WorkloadEntry(
    ResourceId id,
    ResourceOrigin origin,
    Map<String, String> labels,
    @Nullable WorkloadEndpoint endpoint,
    List<String> notYetApplied)
    implements MeshResource {

  public WorkloadEntry {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    labels = Labels.shared(labels);
    notYetApplied = List.copyOf(notYetApplied);
  }

  /** A WorkloadEntry has no {@code exportTo}: it is selected by the ServiceEntries of its namespace. */
  @Override
  public List<String> exportTo() {
    return List.of();
  }
}
