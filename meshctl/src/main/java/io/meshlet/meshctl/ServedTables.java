package io.meshlet.meshctl;

import tools.jackson.databind.JsonNode;

/** Tables of what the control plane served a workload (xDS resources as JSON, with version and ACK state). */
final class ServedTables {
  private ServedTables() {}

  static Table of(ProxyConfig.Kind kind, JsonNode answer) {
    Table t = switch (kind) {
      case routes -> new Table("NAME", "DOMAINS", "ROUTES", "VERSION", "STATE");
      case clusters -> new Table("NAME", "TYPE", "LB", "VERSION", "STATE");
      case endpoints -> new Table("CLUSTER", "ENDPOINTS", "VERSION", "STATE");
      default -> new Table("NAME", "VERSION", "STATE");
    };
    for (JsonNode r : answer.path("resources")) {
      JsonNode res = r.path("resource");
      String version = ActuatorTables.text(r.path("version"));
      String state = ActuatorTables.text(r.path("state"));
      switch (kind) {
        case routes -> {
          StringBuilder domains = new StringBuilder();
          int routes = 0;
          for (JsonNode vh : res.path("virtualHosts")) {
            for (JsonNode d : vh.path("domains")) {
              domains.append(domains.length() == 0 ? "" : ",").append(d.asString());
            }
            routes += vh.path("routes").size();
          }
          t.row(r.path("name").asString(), shorten(domains.toString()), routes, version, state);
        }
        case clusters -> t.row(r.path("name").asString(), ActuatorTables.text(res.path("type")),
            res.path("lbPolicy").isMissingNode() ? "ROUND_ROBIN" : res.path("lbPolicy").asString(), version, state);
        case endpoints -> {
          StringBuilder eps = new StringBuilder();
          for (JsonNode l : res.path("endpoints")) {
            for (JsonNode e : l.path("lbEndpoints")) {
              JsonNode a = e.path("endpoint").path("address").path("socketAddress");
              eps.append(eps.length() == 0 ? "" : ",").append(a.path("address").asString()).append(':')
                  .append(a.path("portValue").asInt());
            }
          }
          t.row(r.path("name").asString(), eps.length() == 0 ? "-" : eps, version, state);
        }
        default -> t.row(r.path("name").asString(), version, state);
      }
    }
    return t;
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
