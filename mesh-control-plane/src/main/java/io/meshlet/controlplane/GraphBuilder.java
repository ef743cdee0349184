package io.meshlet.controlplane;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/graph}: Kiali's workload graph from Istio's series. Nodes are workloads ({@code
 * namespace/workload}, with app and version), plus a service node ({@code service:<host>}) for calls
 * to a destination with no known workload; every connected xDS node is a node too, with or without
 * traffic. An edge is one (source, destination, {@code destination_service}):
 *
 * <ul>
 *   <li>rates, codes and flags from the caller's series ({@code reporter="source"}, which also counts
 *       the calls that never reached the server: {@code UF}, {@code UH}, {@code NR}, ...); from the
 *       server's ({@code reporter="destination"}) for an edge whose caller reports none
 *   <li>{@code errorRate}: the share of requests answered 5xx or not at all ({@code response_code} 0)
 *   <li>{@code p99Ms}: {@link Quantiles#quantile} over the duration buckets, as Kiali's {@code histogram_quantile(0.99, ...)}
 *   <li>{@code mtls}: the server reported the edge's calls with {@code connection_security_policy="mutual_tls"}
 *       (only a destination knows; Istio's source reporter says {@code unknown})
 * </ul>
 */
final class GraphBuilder {
  /** The labels of {@code istio_requests_total} the graph reads (and all a source need keep). */
  static final List<String> REQUEST_LABELS = List.of("reporter", "source_workload", "source_workload_namespace",
      "source_app", "source_version", "destination_workload", "destination_workload_namespace", "destination_app",
      "destination_version", "destination_service", "response_code", "response_flags", "connection_security_policy");
  /** The labels of {@code istio_request_duration_milliseconds_bucket} the graph reads. */
  static final List<String> BUCKET_LABELS = List.of("reporter", "source_workload", "source_workload_namespace",
      "destination_workload", "destination_workload_namespace", "destination_service", "le");
  static final String UNKNOWN = "unknown";

  record Node(String id, String app, String version, String workload, String namespace, List<String> xdsNodes) {}

  record Edge(String source, String destination, String service, double rps, double errorRate, @org.jspecify.annotations.Nullable Double p99Ms,
      boolean mtls, Map<String, Double> byCode, Map<String, Double> byFlags) {}

  record Graph(String source, long windowSeconds, List<Node> nodes, List<Edge> edges) {}

  private record EdgeKey(String source, String destination, String service) {}

  private static final class EdgeSum {
    double rps;
    double errors;
    final Map<String, Double> byCode = new TreeMap<>();
    final Map<String, Double> byFlags = new TreeMap<>();
  }

  private GraphBuilder() {}

  static Graph build(Series series, Duration window, List<NodeStatuses.Status> connected) {
    return build(series.rates(window), window, connected);
  }

  static Graph build(Series.Rates rates, Duration window, List<NodeStatuses.Status> connected) {
    Map<String, Node> nodes = new LinkedHashMap<>();
    Map<String, List<String>> xds = new HashMap<>();
    for (NodeStatuses.Status s : connected) {
      if (s.connected()) {
        xds.computeIfAbsent(id(s.workload(), s.key().namespace()), k -> new ArrayList<>()).add(s.id());
      }
    }
    for (NodeStatuses.Status s : connected) {
      if (s.connected()) {
        String id = id(s.workload(), s.key().namespace());
        nodes.putIfAbsent(id, new Node(id, s.key().labels().getOrDefault("app", s.workload()),
            s.key().labels().getOrDefault("version", UNKNOWN), s.workload(), s.key().namespace(), xds.get(id)));
      }
    }
    Map<EdgeKey, EdgeSum> bySource = new LinkedHashMap<>();
    Map<EdgeKey, EdgeSum> byDestination = new LinkedHashMap<>();
    Map<String, Boolean> mtls = new HashMap<>();
    for (Series.Row r : rates.requests()) {
      if (!(r.perSecond() > 0)) {
        continue;
      }
      String src = node(nodes, xds, r, "source");
      String dst = node(nodes, xds, r, "destination");
      EdgeKey key = new EdgeKey(src, dst, r.label("destination_service"));
      boolean server = r.label("reporter").equals("destination");
      EdgeSum sum = (server ? byDestination : bySource).computeIfAbsent(key, k -> new EdgeSum());
      sum.rps += r.perSecond();
      String code = r.label("response_code");
      if (code.startsWith("5") || code.equals("0")) {
        sum.errors += r.perSecond();
      }
      sum.byCode.merge(code, r.perSecond(), Double::sum);
      sum.byFlags.merge(r.labels().getOrDefault("response_flags", "-"), r.perSecond(), Double::sum);
      if (server) {
        mtls.merge(src + " " + dst, r.label("connection_security_policy").equals("mutual_tls"), Boolean::logicalAnd);
      }
    }
    Map<EdgeKey, EdgeSum> edges = new LinkedHashMap<>(bySource);
    byDestination.forEach((k, v) -> {
      boolean callerReports = bySource.keySet().stream().anyMatch(s -> s.source().equals(k.source()) && s.destination().equals(k.destination()));
      if (!callerReports) {
        edges.put(k, v);
      }
    });
    Map<EdgeKey, Map<String, Double>> sourceBuckets = new HashMap<>();
    Map<EdgeKey, Map<String, Double>> destinationBuckets = new HashMap<>();
    for (Series.Row r : rates.durationBuckets()) {
      EdgeKey key = new EdgeKey(node(nodes, xds, r, "source"), node(nodes, xds, r, "destination"), r.label("destination_service"));
      (r.label("reporter").equals("destination") ? destinationBuckets : sourceBuckets)
          .computeIfAbsent(key, k -> new HashMap<>()).merge(r.label("le"), r.perSecond(), Double::sum);
    }
    List<Edge> out = new ArrayList<>();
    edges.forEach((k, sum) -> {
      Map<String, Double> buckets = bySource.containsKey(k) ? sourceBuckets.get(k) : destinationBuckets.get(k);
      double p99 = buckets == null ? Double.NaN : Quantiles.quantile(0.99, buckets);
      out.add(new Edge(k.source(), k.destination(), k.service(), sum.rps, sum.rps > 0 ? sum.errors / sum.rps : 0,
          Double.isNaN(p99) ? null : p99, mtls.getOrDefault(k.source() + " " + k.destination(), false),
          sum.byCode, sum.byFlags));
    });
    return new Graph(rates.source(), window.toSeconds(), List.copyOf(nodes.values()), out);
  }

  /** The graph node of one side ({@code source} or {@code destination}) of a row, added when new. */
  private static String node(Map<String, Node> nodes, Map<String, List<String>> xds, Series.Row r, String side) {
    String workload = r.label(side + "_workload");
    String namespace = r.label(side + "_workload_namespace");
    if (workload.equals(UNKNOWN)) {
      if (side.equals("destination")) {
        String service = r.label("destination_service");
        String id = "service:" + service;
        nodes.putIfAbsent(id, new Node(id, service.split("\\.", 2)[0], UNKNOWN, UNKNOWN, namespaceOf(service), List.of()));
        return id;
      }
      nodes.putIfAbsent(UNKNOWN, new Node(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, List.of()));
      return UNKNOWN;
    }
    String id = id(workload, namespace);
    Node known = nodes.get(id);
    String app = r.label(side + "_app");
    String version = r.label(side + "_version");
    if (known == null || known.app().equals(UNKNOWN) && !app.equals(UNKNOWN)) {
      nodes.put(id, new Node(id, app.equals(UNKNOWN) && known != null ? known.app() : app,
          version.equals(UNKNOWN) && known != null ? known.version() : version, workload, namespace,
          xds.getOrDefault(id, List.of())));
    }
    return id;
  }

  private static String namespaceOf(String host) {
    String[] p = host.split("\\.");
    return p.length >= 2 ? p[1] : UNKNOWN;
  }

  static String id(String workload, String namespace) {
    return namespace + "/" + workload;
  }
}
