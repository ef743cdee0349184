package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The graph's arithmetic: Prometheus's text format read, {@code histogram_quantile}, and edges from rows. */
class GraphTest {
  static final Duration MINUTE = Duration.ofSeconds(60);

  @Test
  void theQuantileIsInterpolatedInsideItsBucketAsPrometheusDoes() {
    // 100 requests: 50 under 5 ms, 40 in (5, 10], 10 in (10, 25]: the 99th is 90% of the way into (10, 25].
    Map<String, Double> buckets = Map.of("1", 0.0, "5", 50.0, "10", 90.0, "25", 100.0, "+Inf", 100.0);
    assertThat(Quantiles.quantile(0.99, buckets)).isCloseTo(23.5, within(1e-9));
    assertThat(Quantiles.quantile(0.5, buckets)).isCloseTo(5.0, within(1e-9));
    assertThat(Quantiles.quantile(0.99, Map.of("10", 1.0, "+Inf", 2.0))).as("in +Inf: the highest bound").isEqualTo(10.0);
    assertThat(Quantiles.quantile(0.99, Map.of("10", 0.0, "+Inf", 0.0))).isNaN();
    assertThat(Quantiles.quantile(0.99, Map.of("10", 1.0))).as("no +Inf bucket").isNaN();
  }

  @Test
  void theTextFormatKeepsTheNamedMetricsAndLabelsOnlyAndSumsWhatTheyNoLongerTellApart() throws Exception {
    String text = """
        # HELP istio_requests_total Requests
        # TYPE istio_requests_total counter
        istio_requests_total{reporter="source",source_workload="productpage",destination_service="reviews.default.svc.cluster.local",response_code="200",request_protocol="http"} 7.0
        istio_requests_total{reporter="source",source_workload="productpage",destination_service="reviews.default.svc.cluster.local",response_code="200",request_protocol="grpc"} 3.0
        istio_requests_total{reporter="source",source_workload="a \\"quoted\\", name",response_code="503"} 1 1700000000000
        istio_request_duration_milliseconds_bucket{reporter="source",le="+Inf"} 10.0
        jvm_memory_used_bytes{area="heap"} 1.0E8
        istio_requests_total{broken
        """;
    Map<String, List<String>> keep = Map.of("istio_requests_total", List.of("reporter", "source_workload", "response_code"),
        "istio_request_duration_milliseconds_bucket", List.of("reporter", "le"));
    PromText.Result r = PromText.read(new BufferedReader(new StringReader(text)), keep, 100, 1 << 20);
    assertThat(r.samples()).hasSize(3);
    assertThat(r.samples().get(new PromText.Key("istio_requests_total",
        Map.of("reporter", "source", "source_workload", "productpage", "response_code", "200")))).isEqualTo(10.0);
    assertThat(r.samples().get(new PromText.Key("istio_requests_total",
        Map.of("reporter", "source", "source_workload", "a \"quoted\", name", "response_code", "503")))).isEqualTo(1.0);
    assertThat(r.samples().get(new PromText.Key("istio_request_duration_milliseconds_bucket",
        Map.of("reporter", "source", "le", "+Inf")))).isEqualTo(10.0);

    PromText.Result capped = PromText.read(new BufferedReader(new StringReader(text)), keep, 1, 1 << 20);
    assertThat(capped.samples()).hasSize(1);
    assertThat(capped.dropped()).isEqualTo(2);
  }

  @Test
  void edgesCarryTheCallersRatesCodesFlagsAndP99AndTheServersMtls() {
    List<Series.Row> requests = List.of(
        row("source", "productpage", "reviews", "200", "-", "unknown", 9.0),
        row("source", "productpage", "reviews", "503", "UF", "unknown", 1.0),
        row("destination", "productpage", "reviews", "200", "-", "mutual_tls", 9.0),
        row("source", "reviews", "ratings", "200", "-", "unknown", 4.0),
        row("destination", "reviews", "ratings", "200", "-", "none", 4.0),
        // a caller with no mesh: only the server reports it
        row("destination", "unknown", "ratings", "200", "-", "none", 2.0),
        // a destination with no workload known (an external service)
        row("source", "ratings", "unknown", "200", "-", "unknown", 0.5));
    List<Series.Row> buckets = List.of(bucket("productpage", "reviews", "10", 5.0), bucket("productpage", "reviews", "25", 10.0),
        bucket("productpage", "reviews", "+Inf", 10.0));
    GraphBuilder.Graph g = GraphBuilder.build(new Series.Rates("workloads", requests, buckets), MINUTE, List.of());

    assertThat(g.source()).isEqualTo("workloads");
    assertThat(g.nodes()).extracting(GraphBuilder.Node::id).containsExactlyInAnyOrder("default/productpage", "default/reviews",
        "default/ratings", "unknown", "service:ext.example.com");
    GraphBuilder.Node reviews = g.nodes().stream().filter(n -> n.id().equals("default/reviews")).findFirst().orElseThrow();
    assertThat(reviews.app()).isEqualTo("reviews");
    assertThat(reviews.version()).isEqualTo("v1");
    Map<String, GraphBuilder.Edge> edges = new HashMap<>();
    g.edges().forEach(e -> edges.put(e.source() + " > " + e.destination(), e));
    assertThat(edges).containsOnlyKeys("default/productpage > default/reviews", "default/reviews > default/ratings",
        "unknown > default/ratings", "default/ratings > service:ext.example.com");

    GraphBuilder.Edge pr = edges.get("default/productpage > default/reviews");
    assertThat(pr.rps()).as("the caller's count, not both reporters'").isEqualTo(10.0);
    assertThat(pr.errorRate()).isCloseTo(0.1, within(1e-9));
    assertThat(pr.byCode()).isEqualTo(Map.of("200", 9.0, "503", 1.0));
    assertThat(pr.byFlags()).isEqualTo(Map.of("-", 9.0, "UF", 1.0));
    assertThat(pr.mtls()).isTrue();
    assertThat(pr.p99Ms()).isCloseTo(24.7, within(1e-9));
    assertThat(pr.service()).isEqualTo("reviews.default.svc.cluster.local");
    assertThat(edges.get("default/reviews > default/ratings").mtls()).isFalse();
    assertThat(edges.get("default/reviews > default/ratings").p99Ms()).isNull();
    assertThat(edges.get("unknown > default/ratings").rps()).isEqualTo(2.0);
  }

  private static Series.Row row(String reporter, String from, String to, String code, String flags, String security, double rps) {
    Map<String, String> l = new HashMap<>();
    l.put("reporter", reporter);
    l.put("source_workload", from);
    l.put("source_workload_namespace", from.equals("unknown") ? "unknown" : "default");
    l.put("source_app", from);
    l.put("source_version", "v1");
    l.put("destination_workload", to);
    l.put("destination_workload_namespace", to.equals("unknown") ? "unknown" : "default");
    l.put("destination_app", to);
    l.put("destination_version", "v1");
    l.put("destination_service", to.equals("unknown") ? "ext.example.com" : to + ".default.svc.cluster.local");
    l.put("response_code", code);
    l.put("response_flags", flags);
    l.put("connection_security_policy", security);
    return new Series.Row(l, rps);
  }

  private static Series.Row bucket(String from, String to, String le, double rate) {
    return new Series.Row(Map.of("reporter", "source", "source_workload", from, "source_workload_namespace", "default",
        "destination_workload", to, "destination_workload_namespace", "default",
        "destination_service", to + ".default.svc.cluster.local", "le", le), rate);
  }
}
