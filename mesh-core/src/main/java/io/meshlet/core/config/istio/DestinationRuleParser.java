package io.meshlet.core.config.istio;

import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.Subset;
import io.meshlet.core.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code DestinationRule.spec}: host, traffic policy, subsets, exportTo; workloadSelector is not applied yet. */
final class DestinationRuleParser {
  private DestinationRuleParser() {}

  static DestinationRule parse(YamlObject spec, ResourceId id, ResourceOrigin origin) {
    Problems problems = spec.problems();
    String host = spec.qualifiedHost("host", id.namespace(), true);
    TrafficPolicy policy = TrafficPolicyParser.parse(spec.object("trafficPolicy"));
    List<Subset> subsets = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlObject s : spec.objects("subsets")) {
      String name = s.requiredString("name");
      if (name != null && !names.add(name)) {
        problems.error(s.path("name"), "'" + name + "' is used by another subset (expected: unique names)");
      }
      Subset subset = new Subset(
          name == null ? "" : name,
          s.stringMap("labels"),
          s.has("trafficPolicy") ? TrafficPolicyParser.parse(s.object("trafficPolicy")) : null);
      subsets.add(subset);
    }
    List<String> exportTo = spec.strings("exportTo");
    YamlObject selector = spec.object("workloadSelector");
    if (selector != null) {
      selector.stringMap("matchLabels");
      problems.notYetApplied(selector.path());
    }
    return new DestinationRule(
        id,
        origin,
        host == null ? "" : host,
        policy,
        subsets,
        exportTo,
        problems.notYetAppliedPaths());
  }
}
