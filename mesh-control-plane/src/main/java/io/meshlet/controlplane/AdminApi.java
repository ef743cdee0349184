package io.meshlet.controlplane;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin API's routes (GET only, JSON):
 *
 * <ul>
 *   <li>{@code /api/config}: the config version in force, its sources, the last rejection, the NACK count
 *   <li>{@code /api/workloads}: every node that connected, with what it was served and ACKed ({@link WorkloadsView})
 *   <li>{@code /api/workloads/{node}/config/{kind}}: the resources served to that node
 *   <li>{@code /api/explain?node=&url=&method=&header.<name>=}: where that node's mesh sends a request ({@link ExplainView})
 *   <li>{@code /api/graph?window=60}: the service graph ({@link GraphBuilder}) from the series source
 * </ul>
 */
final class AdminApi implements AutoCloseable {
  static final int DEFAULT_WINDOW_SECONDS = 60;
  static final int MAX_WINDOW_SECONDS = 3600;

  private final MeshControlPlane cp;
  private final WorkloadsView workloads;
  private final ExplainView explain;
  private final Series series;

  AdminApi(MeshControlPlane cp, Series series) {
    this.cp = cp;
    this.workloads = new WorkloadsView(cp);
    this.explain = new ExplainView(cp);
    this.series = series;
  }

  /** The answer to {@code GET path?query}; throws {@link AdminError} for a bad or unknown request. */
  Object answer(String rawPath, Map<String, String> query) {
    String[] parts = rawPath.substring(1).split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = java.net.URLDecoder.decode(parts[i], java.nio.charset.StandardCharsets.UTF_8);
    }
    // parts[0] is "api"
    if (parts.length == 2) {
      switch (parts[1]) {
        case "config":
          return config();
        case "workloads":
          return workloads.list();
        case "explain":
          return explain.explain(query);
        case "graph":
          return GraphBuilder.build(series, window(query), cp.nodes().all());
        default:
          break;
      }
    }
    if (parts.length == 5 && parts[1].equals("workloads") && parts[3].equals("config")) {
      return workloads.config(parts[2], parts[4]);
    }
    throw AdminError.notFound("no such API: " + rawPath
        + " (expected: /api/config, /api/workloads, /api/workloads/{node}/config/{kind}, /api/explain, /api/graph)");
  }

  private Map<String, Object> config() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", Long.toString(cp.version()));
    out.put("sources", cp.paths().stream().map(p -> "file:" + p).toList());
    out.put("lastRejection", cp.lastRejection().orElse(null));
    out.put("nacks", cp.nacks());
    out.put("lastNack", cp.lastNack().orElse(null));
    return out;
  }

  static Duration window(Map<String, String> query) {
    String w = query.get("window");
    if (w == null || w.isEmpty()) {
      return Duration.ofSeconds(DEFAULT_WINDOW_SECONDS);
    }
    int seconds;
    try {
      seconds = Integer.parseInt(w.endsWith("s") ? w.substring(0, w.length() - 1) : w);
    } catch (NumberFormatException e) {
      throw AdminError.badRequest("window: '" + w + "' (expected: seconds, 1.." + MAX_WINDOW_SECONDS + ")");
    }
    if (seconds < 1 || seconds > MAX_WINDOW_SECONDS) {
      throw AdminError.badRequest("window: " + seconds + " (expected: seconds, 1.." + MAX_WINDOW_SECONDS + ")");
    }
    return Duration.ofSeconds(seconds);
  }

  @Override
  public void close() {
    series.close();
  }
}
