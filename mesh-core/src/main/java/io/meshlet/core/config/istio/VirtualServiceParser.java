package io.meshlet.core.config.istio;

import io.meshlet.core.config.ConfigLimits;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.VirtualService;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** {@code VirtualService.spec}: hosts, gateways, exportTo and the HTTP rules; TCP and TLS rules are read loosely. */
final class VirtualServiceParser {
  private VirtualServiceParser() {}

  /**
   * @param nonIdempotent the value of the {@link NonIdempotentRetries#ANNOTATION} annotation, or null
   */
  static VirtualService parse(YamlObject spec, ResourceId id, ResourceOrigin origin, @Nullable String nonIdempotent) {
    Problems problems = spec.problems();
    List<String> hosts = spec.qualifiedHosts("hosts", id.namespace());
    JsonNode hostsNode = spec.node("hosts");
    // Istio: a VirtualService without hosts is a delegate, reachable only through a root's http[].delegate.
    boolean delegate = hostsNode == null || hostsNode.isArray() && hostsNode.isEmpty();
    List<String> gateways = spec.strings("gateways");
    if (delegate) {
      DelegateRules.checkDelegateService(spec);
    }
    List<String> exportTo = spec.strings("exportTo");
    List<HttpRoute> http = new ArrayList<>();
    List<YamlObject> rules = spec.objects("http");
    String tooMany = ConfigLimits.httpRulesProblem(rules.size());
    if (tooMany != null) {
      problems.error(spec.path("http"), tooMany); // the rules are still read, so each of their problems is reported too
    }
    for (int i = 0; i < rules.size(); i++) {
      HttpRoute route = HttpRouteParser.parse(rules.get(i), id.namespace(), delegate);
      if (route != null) {
        http.add(route);
      }
    }
    http = NonIdempotentRetries.apply(nonIdempotent, http, problems);
    looseRules(spec, "tcp");
    looseRules(spec, "tls");
    return new VirtualService(id, origin, hosts, gateways, http, exportTo, problems.notYetAppliedPaths());
  }

  /** {@code tcp} and {@code tls}: a list of mappings, not applied yet. */
  private static void looseRules(YamlObject spec, String field) {
    JsonNode n = spec.node(field);
    if (n == null) {
      return;
    }
    if (!n.isArray()) {
      spec.problems().error(spec.path(field), Values.render(n) + " (expected: a list)");
      return;
    }
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isObject()) {
        spec.problems().error(spec.path(field) + "[" + i + "]", Values.render(n.get(i)) + " (expected: a mapping)");
      }
    }
    spec.problems().notYetApplied(spec.path(field));
  }
}
