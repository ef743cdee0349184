package io.meshlet.consul;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One level of a service's {@code Failover}: the healthy instances of {@code service} in {@code
 * datacenter} (the source's own when null) that {@code labels} select (a target's {@code
 * ServiceSubset}, resolved through that service's resolver) take the traffic once every level
 * before has none. They become the service's endpoints at the next priority (docs/consul.md).
 */
record FailoverLevel(String service, @Nullable String datacenter, Map<String, String> labels) {
  FailoverLevel {
    requireNonNull(service, "service");
    labels = Map.copyOf(labels);
  }

  /** What the source watches for this level's instances: the service itself, or {@code service@datacenter}. */
  String query() {
    return datacenter == null ? service : service + "@" + datacenter;
  }

  boolean selects(ConsulInstance instance) {
    if (labels.isEmpty()) {
      return true;
    }
    Map<String, String> have = InstanceLabels.of(instance);
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!e.getValue().equals(have.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
