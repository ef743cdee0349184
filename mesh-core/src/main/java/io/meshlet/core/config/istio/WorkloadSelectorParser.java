package io.meshlet.core.config.istio;

import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ServiceEntry;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * {@code ServiceEntry.spec.workloadSelector}: the labels of the WorkloadEntries, in the
 * ServiceEntry's namespace, that are its endpoints. As Istio validates it: no empty key, no {@code
 * *} in keys or values, not together with {@code endpoints}; no labels selects the whole namespace
 * (warned), and with resolution NONE the selection is not used (warned).
 */
final class WorkloadSelectorParser {
  private WorkloadSelectorParser() {}

  /** The selector's labels; null when the ServiceEntry has no {@code workloadSelector} (or it is not a mapping). */
  static @Nullable Map<String, String> parse(YamlObject spec, ResourceId id, ServiceEntry.Resolution resolution) {
    Problems problems = spec.problems();
    YamlObject selector = spec.object("workloadSelector");
    if (selector == null) {
      return null;
    }
    Map<String, String> labels = selector.stringMap("labels", WorkloadSelectorParser::keyProblem);
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (e.getValue().indexOf('*') >= 0) {
        problems.error(selector.path("labels") + "." + e.getKey(),
            "'" + e.getValue() + "' (expected: a label value; wildcards are not supported in a selector)");
      }
    }
    if (labels.isEmpty()) {
      problems.warning(selector.path("labels"),
          "no labels: selects every WorkloadEntry in namespace " + id.namespace());
    }
    JsonNode endpoints = spec.node("endpoints");
    if (endpoints != null && endpoints.isArray() && !endpoints.isEmpty()) {
      problems.error(selector.path(), "given with endpoints (expected: only one of workloadSelector or endpoints)");
    }
    if (resolution == ServiceEntry.Resolution.NONE) {
      problems.warning(selector.path(),
          "not used: resolution NONE sends calls to the address the caller asked for (expected: STATIC or DNS)");
    }
    return labels;
  }

  private static @Nullable String keyProblem(String key) {
    if (key.isEmpty()) {
      return "empty key (expected: a label name)";
    }
    return key.indexOf('*') >= 0 ? "'" + key + "' (expected: a label name; wildcards are not supported in a selector)" : null;
  }
}
