package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Istio's {@code DestinationRule}: a host's traffic policy and its named subsets. */
public record DestinationRule(
    ResourceId id,
    ResourceOrigin origin,
    String host,
    TrafficPolicy trafficPolicy,
    List<Subset> subsets,
    List<String> exportTo,
    List<String> notYetApplied)
    implements MeshResource {

  public DestinationRule {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    requireNonNull(host, "host");
    requireNonNull(trafficPolicy, "trafficPolicy");
    subsets = List.copyOf(subsets);
    exportTo = List.copyOf(exportTo);
    notYetApplied = List.copyOf(notYetApplied);
  }

  public @Nullable Subset subset(String name) {
    for (Subset s : subsets) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }
}
