package io.meshlet.meshctl;

import java.net.URI;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * Where live state comes from: a workload's actuator ({@code --workload-url}, Spring Boot's
 * {@code /actuator/mesh/*}) or the control plane's admin API ({@code --control-plane}, with the
 * workload named by its xDS node id or its name).
 */
final class Live {
  @Option(names = "--workload-url", paramLabel = "URL", description = "A workload's base URL (its actuator is at /actuator).")
  @Nullable URI workloadUrl;

  @Option(names = "--control-plane", paramLabel = "URL", description = "The control plane's admin URL (mesh-control-plane --admin-port).")
  @Nullable URI controlPlane;

  boolean given() {
    return workloadUrl != null || controlPlane != null;
  }

  void requireOne() {
    if ((workloadUrl == null) == (controlPlane == null)) {
      throw new IllegalArgumentException("give one of --workload-url or --control-plane");
    }
  }

  /** The xDS node id of {@code workload} (a node id, or a workload name with exactly one connected node). */
  String node(@Nullable String workload) {
    if (workload == null) {
      throw new IllegalArgumentException("name the workload (its xDS node id or its name) with --control-plane");
    }
    JsonNode list = Http.get(controlPlane, "/api/workloads", Map.of()).path("workloads");
    String match = null;
    StringBuilder known = new StringBuilder();
    for (JsonNode w : list) {
      String node = w.path("node").asString();
      known.append(known.length() == 0 ? "" : ", ").append(w.path("workload").asString()).append(" (").append(node).append(')');
      if (node.equals(workload)) {
        return node;
      }
      if (w.path("workload").asString().equals(workload)) {
        if (match != null) {
          throw new IllegalArgumentException(workload + ": several nodes (" + match + ", " + node + "); name one by its node id");
        }
        match = node;
      }
    }
    if (match == null) {
      throw new CommandException(workload + ": no such workload at " + controlPlane + " (connected: "
          + (known.length() == 0 ? "none" : known) + ")");
    }
    return match;
  }
}
