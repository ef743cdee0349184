package io.meshlet.meshctl;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code meshctl proxy-config routes|clusters|endpoints|configdump [WORKLOAD]}, as istioctl's: from a
 * workload's actuator (what its mesh compiled) or from the control plane (what it served that
 * workload, with each resource's version and ACK/NACK state).
 */
@Command(name = "proxy-config", mixinStandardHelpOptions = true,
    description = "Show a workload's routes, clusters, endpoints or whole config, from its actuator (--workload-url) or "
        + "from the control plane (--control-plane, WORKLOAD by node id or name).")
final class ProxyConfig implements Callable<Integer> {
  enum Kind { routes, clusters, endpoints, listeners, configdump }

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KIND", description = "routes, clusters, endpoints, listeners (control plane only) or configdump.")
  Kind kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "WORKLOAD", description = "With --control-plane: the xDS node id or workload name.")
  @Nullable String workload;

  @Mixin Live live;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
  Format output;

  enum Format { table, json }

  @Override
  public Integer call() {
    live.requireOne();
    PrintWriter out = spec.commandLine().getOut();
    JsonNode answer = live.workloadUrl != null ? fromActuator() : fromControlPlane();
    if (output == Format.json || kind == Kind.configdump) {
      out.println(Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
      out.flush();
      return 0;
    }
    Table t = live.workloadUrl != null ? ActuatorTables.of(kind, answer) : ServedTables.of(kind, answer);
    t.print(out);
    return 0;
  }

  private JsonNode fromActuator() {
    String part = switch (kind) {
      case routes -> "routes";
      case clusters, endpoints -> "clusters";
      case configdump -> "configdump";
      case listeners -> throw new IllegalArgumentException("listeners: only the control plane serves listeners (use --control-plane)");
    };
    return Http.get(live.workloadUrl, "/actuator/mesh/" + part, Map.of());
  }

  private JsonNode fromControlPlane() {
    String node = live.node(workload);
    String k = kind == Kind.configdump ? "all" : kind.name();
    return Http.get(live.controlPlane, "/api/workloads/" + Http.encode(node).replace("+", "%20") + "/config/" + k, Map.of());
  }
}
