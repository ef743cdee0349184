package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Istio's {@code Subset}: endpoints whose labels include all of {@code labels}, with an optional policy override. */
public record Subset(String name, Map<String, String> labels, @Nullable TrafficPolicy trafficPolicy) {
  public Subset {
    requireNonNull(name, "name");
    labels = Map.copyOf(labels);
  }

  public boolean selects(Map<String, String> endpointLabels) {
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!e.getValue().equals(endpointLabels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
