package io.meshlet.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.pipeline.InboundVerdict;
import io.meshlet.core.pipeline.Passthrough;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.ManualTime;
import io.meshlet.core.security.Call;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Istio's standard metrics as Prometheus scrapes them: names, types, buckets and every label. */
class IstioMetricsTest {
  @TempDir Path dir;
  final ManualTime time = new ManualTime();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  Mesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  private Mesh mesh(String extra) {
    mesh = TelemetryFixture.mesh(dir, extra, time).meterRegistry(registry).build();
    return mesh;
  }

  /** The label set of the first series of {@code metric} in the scrape whose line contains all of {@code having}. */
  static String series(String scrape, String metric, String... having) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(metric + "{") && Arrays.stream(having).allMatch(line::contains)) {
        return line;
      }
    }
    throw new AssertionError("no " + metric + " series with " + List.of(having) + " in\n" + scrape);
  }

  static List<String> labelNames(String line) {
    Matcher m = Pattern.compile("([a-z_]+)=\"").matcher(line.substring(line.indexOf('{'), line.lastIndexOf('}')));
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void aCallRegistryOnlyRefusesIsReportedAsIstioDoesToTheBlackHoleCluster() {
    mesh = TelemetryFixture.mesh(dir, "", time).meterRegistry(registry)
        .outboundTrafficPolicy(io.meshlet.core.OutboundTrafficPolicy.REGISTRY_ONLY).build();
    assertThat(mesh.pipeline().outbound(io.meshlet.core.MeshTesting.get("http://api.example.com/"), null).kind())
        .isEqualTo(io.meshlet.core.pipeline.Routed.Kind.FAILURE);
    String line = series(registry.scrape(), "istio_requests_total", "response_flags=\"BLOCKED\"");
    assertThat(line).contains("destination_service=\"BlackHoleCluster\"", "destination_service_name=\"BlackHoleCluster\"",
        "response_code=\"502\"");
  }

  @Test
  void aPassthroughCallIsReportedAsIstioDoesToThePassthroughClusterWithTheHostItWentTo() {
    mesh("");
    passthrough("http://api.example.com:8080/v1/items", AttemptResult.status(200), 12, 340);
    passthrough("http://10.9.9.9/", AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE), -1, -1);
    String scrape = registry.scrape();
    String ok = series(scrape, "istio_requests_total", "destination_service=\"api.example.com:8080\"");
    assertThat(labelNames(ok)).containsExactlyInAnyOrderElementsOf(IstioMetrics.LABELS);
    assertThat(ok).contains("reporter=\"source\"", "source_workload=\"productpage\"",
        "destination_service_name=\"PassthroughCluster\"", "destination_service_namespace=\"unknown\"",
        "destination_workload=\"unknown\"", "response_code=\"200\"", "response_flags=\"-\"").endsWith(" 1.0");
    assertThat(series(scrape, "istio_response_bytes_sum", "destination_service=\"api.example.com:8080\"")).endsWith(" 340.0");
    assertThat(series(scrape, "istio_requests_total", "destination_service=\"10.9.9.9\""))
        .contains("destination_service_name=\"PassthroughCluster\"", "response_code=\"503\"", "response_flags=\"UF\"");
    assertThat(scrape).doesNotContain("/v1/items");
  }

  @Test
  void passthroughHostsBeyondTheBoundAreUnknown() {
    mesh("");
    for (int i = 0; i < IstioMetrics.MAX_PASSTHROUGH_HOSTS + 5; i++) {
      passthrough("http://h" + i + ".example/", AttemptResult.status(200), 0, 0);
    }
    passthrough("http://h0.example/", AttemptResult.status(200), 0, 0);
    String scrape = registry.scrape();
    assertThat(series(scrape, "istio_requests_total", "destination_service=\"h0.example\"")).endsWith(" 2.0");
    assertThat(series(scrape, "istio_requests_total", "destination_service=\"unknown\"",
        "destination_service_name=\"PassthroughCluster\"")).endsWith(" 5.0");
    assertThat(scrape).doesNotContain("h" + IstioMetrics.MAX_PASSTHROUGH_HOSTS + ".example");
  }

  private void passthrough(String url, AttemptResult result, long requestBytes, long responseBytes) {
    Passthrough p = (Passthrough) mesh.pipeline().outbound(io.meshlet.core.MeshTesting.get(url), null);
    assertThat(p.observed()).isTrue();
    try {
      p.startTry();
      time.advance(Duration.ofMillis(2));
      p.complete(result);
      p.reportBytes(requestBytes, responseBytes);
    } finally {
      p.end();
    }
  }

  @Test
  void aClientCallIsReportedBySourceWithIstiosNamesTypesBucketsAndEveryLabel() {
    mesh("");
    TelemetryFixture.call(mesh, time, "http://reviews:9080/r/1", 3, 503, 200);
    String scrape = registry.scrape();

    assertThat(scrape).contains("# TYPE istio_requests_total counter")
        .contains("# TYPE istio_request_duration_milliseconds histogram")
        .contains("# TYPE istio_request_bytes histogram")
        .contains("# TYPE istio_response_bytes histogram");
    String line = series(scrape, "istio_requests_total", "reporter=\"source\"");
    assertThat(labelNames(line)).containsExactlyInAnyOrderElementsOf(IstioMetrics.LABELS);
    assertThat(line)
        .contains("source_workload=\"productpage\"", "source_workload_namespace=\"default\"",
            "source_app=\"productpage\"", "source_version=\"v1\"", "source_canonical_service=\"productpage\"",
            "source_canonical_revision=\"v1\"", "source_cluster=\"unknown\"", "source_principal=\"unknown\"",
            "destination_workload=\"reviews-v1\"", "destination_workload_namespace=\"default\"",
            "destination_app=\"reviews\"", "destination_version=\"v1\"",
            "destination_service=\"reviews.default.svc.cluster.local\"", "destination_service_name=\"reviews\"",
            "destination_service_namespace=\"default\"", "destination_canonical_service=\"reviews\"",
            "destination_canonical_revision=\"v1\"", "destination_cluster=\"Kubernetes\"",
            "request_protocol=\"http\"", "response_code=\"200\"", "grpc_response_status=\"unknown\"",
            "response_flags=\"-\"", "connection_security_policy=\"unknown\"")
        .endsWith(" 1.0");
    assertThat(scrape).doesNotContain("/r/1");
    // One call, two tries of 3 ms plus the backoff between them: the duration covers the whole call.
    String bucket = series(scrape, "istio_request_duration_milliseconds_bucket", "reporter=\"source\"", "le=\"5.0\"");
    assertThat(bucket).endsWith(" 0");
    assertThat(series(scrape, "istio_request_duration_milliseconds_bucket", "reporter=\"source\"", "le=\"3600000.0\""))
        .endsWith(" 1");
    assertThat(scrape).contains("le=\"0.5\"", "le=\"1800000.0\"", "le=\"+Inf\"");
    assertThat(series(scrape, "istio_response_bytes_sum", "reporter=\"source\"")).endsWith(" 2000.0");
    assertThat(series(scrape, "istio_request_bytes_sum", "reporter=\"source\"")).endsWith(" 10.0");
    assertThat(scrape).doesNotContain("istio_request_messages_total{");
  }

  @Test
  void aServedCallIsReportedByDestinationWithThePeersIdentity() {
    mesh("");
    SpiffeId peer = new SpiffeId("cluster.local", "front", "productpage-sa");
    InboundVerdict v = mesh.pipeline().inbound(Call.plain().request("GET", "/reviews/0").peer(peer), null);
    time.advance(Duration.ofMillis(7));
    v.end(200, 0, 123);
    String line = series(registry.scrape(), "istio_requests_total", "reporter=\"destination\"");
    assertThat(labelNames(line)).containsExactlyInAnyOrderElementsOf(IstioMetrics.LABELS);
    assertThat(line).contains("source_principal=\"spiffe://cluster.local/ns/front/sa/productpage-sa\"",
        "source_workload_namespace=\"front\"", "source_workload=\"unknown\"",
        "destination_workload=\"productpage\"", "destination_service=\"reviews.default.svc.cluster.local\"",
        "connection_security_policy=\"mutual_tls\"", "response_code=\"200\"");
  }

  @Test
  void theClientTellsTheServerWhoCallsAndTheServerBelievesItOnlyWithinTheCallersIdentity() {
    mesh("");
    io.meshlet.core.pipeline.OutboundCall call =
        (io.meshlet.core.pipeline.OutboundCall) mesh.pipeline().outbound(io.meshlet.core.MeshTesting.get("http://reviews:9080/"), null);
    call.admit();
    call.startTry();
    java.util.Map<String, String> sent = new java.util.HashMap<>();
    call.forEachTryHeader(sent::put);
    call.end();
    String header = sent.get(IstioMetrics.PEER_HEADER);
    assertThat(header).isEqualTo("productpage;default;productpage;v1;productpage;v1;unknown");

    mesh.pipeline().inbound(Call.plain().header(IstioMetrics.PEER_HEADER, header), null).end(200, 0, 0);
    mesh.pipeline().inbound(Call.from("other", "sa").header(IstioMetrics.PEER_HEADER, header), null).end(201, 0, 0);
    String scrape = registry.scrape();
    assertThat(series(scrape, "istio_requests_total", "reporter=\"destination\"", "response_code=\"200\""))
        .contains("source_workload=\"productpage\"", "source_workload_namespace=\"default\"", "source_app=\"productpage\"",
            "source_version=\"v1\"", "source_canonical_service=\"productpage\"");
    assertThat(series(scrape, "istio_requests_total", "reporter=\"destination\"", "response_code=\"201\""))
        .as("a header that contradicts the verified identity is not believed")
        .contains("source_workload=\"unknown\"", "source_workload_namespace=\"other\"");
  }

  @Test
  void aHostTheConfigDoesNotKnowMakesNoSeriesOfItsOwn() {
    mesh("");
    for (String host : new String[] {"evil-1.example", "evil-2.example", "10.1.2.3"}) {
      mesh.pipeline().inbound(Call.plain().host(host), null).end(200, 0, 0);
    }
    String scrape = registry.scrape();
    assertThat(scrape).doesNotContain("evil", "10.1.2.3");
    assertThat(series(scrape, "istio_requests_total", "reporter=\"destination\""))
        .contains("destination_service=\"productpage.default.svc.cluster.local\"").endsWith(" 3.0");
  }

  @Test
  void callsTheMeshFailsCarryTheirResponseFlags() {
    mesh("");
    TelemetryFixture.call(mesh, time, "http://reviews:9080/r", 1, 503, 503, 503);
    String line = series(registry.scrape(), "istio_requests_total", "reporter=\"source\"");
    assertThat(line).contains("response_code=\"503\"", "response_flags=\"URX\"");
  }

  @Test
  void aTelemetryResourceDisablesAMetricAndRemovesAndAddsTags() {
    mesh("""
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata: {name: mesh-default, namespace: istio-system}
        spec:
          metrics:
          - overrides:
            - match: {metric: REQUEST_SIZE}
              disabled: true
            - match: {metric: REQUEST_COUNT}
              tagOverrides:
                destination_canonical_revision: {operation: REMOVE}
                mesh_id: {value: "'east'"}
        """);
    TelemetryFixture.call(mesh, time, "http://reviews:9080/r", 1, 200);
    String scrape = registry.scrape();
    assertThat(scrape).doesNotContain("istio_request_bytes");
    String line = series(scrape, "istio_requests_total", "reporter=\"source\"");
    assertThat(line).doesNotContain("destination_canonical_revision").contains("mesh_id=\"east\"");
    assertThat(series(scrape, "istio_response_bytes_count", "reporter=\"source\"")).contains("destination_canonical_revision");
  }

  @Test
  void healthMetersReportTheConfigInForce() {
    mesh("");
    System.gc(); // the gauges' state must not be weakly held (it once turned into NaN here)
    String scrape = registry.scrape();
    assertThat(scrape).contains("meshlet_config_version 1.0", "meshlet_config_rejections_total 0.0",
        "meshlet_circuit_breakers_open 0.0",
        "meshlet_config_sources{state=\"ACTIVE\"} 1.0", "meshlet_config_sources{state=\"FAILED\"} 0.0", "meshlet_endpoints_ejected 0.0", "meshlet_certificate_expiry_seconds NaN");
  }
}
