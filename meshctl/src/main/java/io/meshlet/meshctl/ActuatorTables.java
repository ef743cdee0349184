package io.meshlet.meshctl;

import tools.jackson.databind.JsonNode;

/** Tables of what a workload's mesh compiled, from its actuator's {@code routes} and {@code clusters}. */
final class ActuatorTables {
  private ActuatorTables() {}

  static Table of(ProxyConfig.Kind kind, JsonNode answer) {
    return switch (kind) {
      case routes -> routes(answer);
      case clusters -> clusters(answer);
      default -> endpoints(answer);
    };
  }

  private static Table routes(JsonNode answer) {
    Table t = new Table("HOST", "VIRTUALSERVICE", "ROUTE", "MATCH", "DESTINATIONS");
    for (JsonNode s : answer.path("services")) {
      for (JsonNode r : s.path("routes")) {
        StringBuilder to = new StringBuilder();
        for (JsonNode d : r.path("destinations")) {
          to.append(to.length() == 0 ? "" : ", ").append(d.path("host").asString())
              .append(d.path("subset").isNull() || d.path("subset").isMissingNode() ? "" : "|" + d.path("subset").asString())
              .append(' ').append(d.path("weight").asInt()).append('%');
        }
        String name = r.path("name").isNull() ? "#" + r.path("index").asInt() : r.path("name").asString();
        t.row(s.path("host").asString(), text(s.path("virtualService")), name, r.path("description").asString(),
            to.length() == 0 ? r.path("action").asString() : to);
      }
    }
    return t;
  }

  private static Table clusters(JsonNode answer) {
    Table t = new Table("CLUSTER", "LB", "TLS", "ENDPOINTS", "EJECTED", "ACTIVE", "BREAKER");
    for (JsonNode c : answer.path("clusters")) {
      int ejected = 0;
      for (JsonNode e : c.path("endpoints")) {
        ejected += e.path("ejected").asBoolean() ? 1 : 0;
      }
      t.row(c.path("name").asString(), c.path("loadBalancer").asString(), text(c.path("tls")), c.path("endpoints").size(),
          ejected, c.path("activeRequests").asInt(), text(c.path("circuitBreaker").path("state")));
    }
    return t;
  }

  private static Table endpoints(JsonNode answer) {
    Table t = new Table("ENDPOINT", "CLUSTER", "WEIGHT", "STATUS", "ACTIVE");
    for (JsonNode c : answer.path("clusters")) {
      for (JsonNode e : c.path("endpoints")) {
        t.row(e.path("address").asString(), c.path("name").asString(), e.path("weight").asInt(),
            e.path("ejected").asBoolean() ? "EJECTED" : "HEALTHY", e.path("activeRequests").asInt());
      }
    }
    return t;
  }

  static String text(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? "-" : n.asString();
  }
}
