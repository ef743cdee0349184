package io.meshlet.core.telemetry;

import java.util.Map;
import java.util.Set;

/**
 * Which of Istio's standard metrics are reported and with which tags, as {@code Telemetry} {@code
 * metrics[].overrides} set them: metrics disabled, tags removed and tags added with a constant value,
 * per metric ({@link IstioMetrics#REQUEST_COUNT}, ...). Immutable.
 *
 * @param disabled metrics not reported
 * @param removedTags per metric, labels dropped from its series
 * @param addedTags per metric, labels added with a fixed value
 */
public record MetricsSettings(Set<String> disabled, Map<String, Set<String>> removedTags,
    Map<String, Map<String, String>> addedTags) {
  public static final MetricsSettings DEFAULT = new MetricsSettings(Set.of(), Map.of(), Map.of());
  static final Set<String> ALL = Set.of(IstioMetrics.REQUEST_COUNT, IstioMetrics.REQUEST_DURATION,
      IstioMetrics.REQUEST_SIZE, IstioMetrics.RESPONSE_SIZE, IstioMetrics.GRPC_REQUEST_MESSAGES,
      IstioMetrics.GRPC_RESPONSE_MESSAGES);

  public MetricsSettings {
    disabled = Set.copyOf(disabled);
    removedTags = Map.copyOf(removedTags);
    addedTags = Map.copyOf(addedTags);
  }

  boolean enabled(String metric) {
    return !disabled.contains(metric);
  }

  boolean allDisabled() {
    return disabled.containsAll(ALL);
  }

  boolean removed(String metric, String tag) {
    Set<String> r = removedTags.get(metric);
    return r != null && r.contains(tag);
  }

  Map<String, String> added(String metric) {
    return addedTags.getOrDefault(metric, Map.of());
  }
}
