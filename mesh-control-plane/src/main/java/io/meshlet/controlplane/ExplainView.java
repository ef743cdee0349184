package io.meshlet.controlplane;

import io.meshlet.core.explain.ExplainRequest;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.explain.RouteExplainer;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.Workload;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.routing.RouteTableCompiler;
import io.meshlet.core.snapshot.MeshSnapshot;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code /api/explain?node=<id>&url=<url>&method=GET&header.<name>=<value>}: mesh-core's explain of
 * the request for that node's workload (name, namespace, labels, locality), against the config in
 * force compiled as that workload's mesh compiles it ({@link RouteTableCompiler}). Outbound traffic
 * policy is Istio's default, ALLOW_ANY, unless a Sidecar of the workload says otherwise.
 */
final class ExplainView {
  static final String HEADER_PREFIX = "header.";

  private final MeshControlPlane cp;

  ExplainView(MeshControlPlane cp) {
    this.cp = cp;
  }

  Map<String, Object> explain(Map<String, String> query) {
    String node = required(query, "node");
    String url = required(query, "url");
    String method = query.getOrDefault("method", "GET");
    if (method.isEmpty() || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
      throw AdminError.badRequest("method: '" + method + "' (expected: an HTTP method, e.g. GET)");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    query.forEach((k, v) -> {
      if (k.startsWith(HEADER_PREFIX) && k.length() > HEADER_PREFIX.length()) {
        headers.put(k.substring(HEADER_PREFIX.length()), v);
      }
    });
    NodeStatuses.Status s = cp.nodes().find(node).orElseThrow(() -> AdminError.notFound("node: '" + node
        + "' (expected: the id of a node that connected, see /api/workloads)"));
    MeshConfig config = cp.config().orElseThrow(() -> new AdminError(503, "no valid config yet: "
        + cp.lastRejection().orElse("the files are being read")));
    ExplainRequest request;
    try {
      request = ExplainRequest.of(method, url, headers);
    } catch (IllegalArgumentException e) {
      throw AdminError.badRequest(e.getMessage().startsWith("url:") ? e.getMessage() : "url: '" + url + "': " + e.getMessage());
    }
    Workload workload = new Workload(s.workload(), s.key().namespace(), s.key().labels(), "", s.key().locality());
    long version = cp.version();
    RouteTableCompiler.Result compiled = RouteTableCompiler.compile(version, config, workload, cp.rootNamespace(),
        RouteTable.EMPTY, MeshTime.system());
    MeshSnapshot snapshot = new MeshSnapshot(version, Instant.now(), config, List.of(), compiled.warnings());
    Explanation e = RouteExplainer.explain(snapshot, compiled.table(), workload.namespace(), false, request,
        new SplittableRandom());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("node", s.id());
    answer.put("workload", s.workload());
    answer.put("namespace", workload.namespace());
    answer.put("version", Long.toString(version));
    answer.put("text", e.toString());
    answer.put("explanation", Json.valueToTree(e));
    return answer;
  }

  private static String required(Map<String, String> query, String name) {
    String v = query.get(name);
    if (v == null || v.isEmpty()) {
      throw AdminError.badRequest(name + ": missing (expected: /api/explain?node=<id>&url=http://reviews:9080/&method=GET)");
    }
    return v;
  }
}
