package io.meshlet.meshctl;

import io.meshlet.core.Mesh;
import io.meshlet.core.explain.ExplainRequest;
import io.meshlet.core.explain.Explanation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

/** {@code meshctl explain URL}: which rule, subset and endpoint a request gets, and why — offline or live. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain where a request would go and why: offline against YAML (--dir), or live against a workload's "
        + "actuator (--workload-url) or the control plane (--control-plane with --node).")
final class Explain implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "URL", description = "The request's URL, e.g. http://reviews:9080/reviews/1.")
  String url;

  @Option(names = {"-X", "--method"}, defaultValue = "GET", description = "The request method (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "A request header (repeatable).")
  List<String> headers = new ArrayList<>();

  @Option(names = "--dir", paramLabel = "PATH", description = "Istio YAML files or directories: explain offline (repeatable).")
  List<Path> dirs = new ArrayList<>();

  @Mixin WorkloadOptions workload;

  @Mixin Live live;

  @Option(names = "--node", paramLabel = "NODE", description = "With --control-plane: the workload, by xDS node id or name.")
  @Nullable String node;

  @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
  Analyze.Output output;

  @Override
  public Integer call() {
    Map<String, String> h = headers();
    if (dirs.isEmpty() == !live.given()) {
      throw new IllegalArgumentException("give --dir for an offline explain, or one of --workload-url / --control-plane");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!dirs.isEmpty()) {
      try (OfflineConfig config = OfflineConfig.load(dirs, workload.workload(), List.of())) {
        Mesh mesh = config.mesh();
        if (mesh == null) {
          out.println("The config has errors; nothing to explain until they are fixed:");
          Problems.text(out, config.errors(), List.of());
          return Meshctl.PROBLEMS;
        }
        Explanation e = mesh.explain(ExplainRequest.of(method, url, h));
        print(out, e.toString(), json(e));
        return 0;
      }
    }
    live.requireOne();
    Map<String, String> query = new LinkedHashMap<>();
    query.put("url", url);
    query.put("method", method);
    h.forEach((k, v) -> query.put("header." + k, v));
    JsonNode answer;
    if (live.workloadUrl != null) {
      answer = Http.get(live.workloadUrl, "/actuator/mesh/explain", query);
    } else {
      Map<String, String> q = new LinkedHashMap<>();
      q.put("node", live.node(node));
      q.putAll(query);
      answer = Http.get(live.controlPlane, "/api/explain", q);
    }
    print(out, answer.path("text").asString(), answer);
    return 0;
  }

  /** The explanation as JSON: its fields, and its text as the actuator gives it. */
  private static JsonNode json(Explanation e) {
    tools.jackson.databind.node.ObjectNode node;
    try {
      node = (tools.jackson.databind.node.ObjectNode) Http.JSON.valueToTree(e);
    } catch (RuntimeException notMappable) {
      node = Http.JSON.createObjectNode();
    }
    node.put("text", e.toString());
    return node;
  }

  private void print(PrintWriter out, String text, JsonNode json) {
    out.println(output == Analyze.Output.json ? Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) : text);
    out.flush();
  }

  private Map<String, String> headers() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("-H " + header + " (expected: 'name: value')");
      }
      out.put(header.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), header.substring(colon + 1).strip());
    }
    return out;
  }
}
