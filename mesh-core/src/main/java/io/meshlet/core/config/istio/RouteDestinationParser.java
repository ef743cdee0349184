package io.meshlet.core.config.istio;

import io.meshlet.core.model.Destination;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.RouteDestination;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** {@code http[].route[]}: destinations and Istio's weight rules; also Istio's {@code Destination}. */
final class RouteDestinationParser {
  private RouteDestinationParser() {}

  static List<RouteDestination> parse(YamlObject rule, String namespace) {
    JsonNode routeNode = rule.node("route");
    List<YamlObject> entries = rule.objects("route");
    if (routeNode != null && routeNode.isArray() && routeNode.isEmpty()) {
      rule.problems().error(rule.path("route"), "empty (expected: at least one destination)");
    }
    List<Destination> destinations = new ArrayList<>();
    List<@Nullable Long> weights = new ArrayList<>();
    List<HeaderOperations> headers = new ArrayList<>();
    boolean anySet = false;
    boolean allValid = true;
    for (YamlObject e : entries) {
      Destination d = destination(e.object("destination"), namespace);
      if (d == null && !e.has("destination")) {
        e.problems().error(e.path("destination"), "missing (required)");
      }
      boolean weightGiven = e.has("weight");
      Long w = e.integer("weight", 0, 100);
      anySet |= weightGiven;
      allValid &= d != null && (w != null || !weightGiven);
      destinations.add(d == null ? new Destination("", null, 0) : d);
      weights.add(w);
      headers.add(HeadersParser.parse(e.object("headers")));
    }
    if (!allValid) {
      return List.of();
    }
    List<RouteDestination> out = new ArrayList<>();
    long sum = 0;
    for (int i = 0; i < destinations.size(); i++) {
      Long w = weights.get(i);
      int weight = w != null ? w.intValue() : anySet ? 0 : destinations.size() == 1 ? 100 : 1;
      sum += weight;
      out.add(new RouteDestination(destinations.get(i), weight, headers.get(i)));
    }
    if (!out.isEmpty() && sum == 0) {
      rule.problems().error(rule.path("route"), "weights add up to 0 (expected: at least one weight > 0)");
    } else if (anySet && sum != 100) {
      rule.problems().warning(rule.path("route"), "weights add up to " + sum + "; Meshlet treats them as relative");
    }
    return out;
  }

  /** Istio's {@code Destination}: {@code host} (required, qualified), {@code subset}, {@code port.number}. */
  static @Nullable Destination destination(@Nullable YamlObject o, String namespace) {
    if (o == null) {
      return null;
    }
    String host = o.qualifiedHost("host", namespace, true);
    String subset = o.string("subset");
    int port = 0;
    YamlObject p = o.object("port");
    if (p != null) {
      Integer number = p.port("number");
      port = number == null ? 0 : number;
      if (!p.has("number")) {
        p.problems().error(p.path("number"), "missing (required)");
      }
    }
    return host == null ? null : new Destination(host, subset, port);
  }
}
