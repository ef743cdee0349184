package io.meshlet.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.resilience.ManualTime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One line per request, Envoy's text format or JSON, switched by the builder and Telemetry resources. */
class AccessLogTest {
  @TempDir Path dir;
  final ManualTime time = new ManualTime();
  final Clock clock = Clock.fixed(Instant.parse("2026-12-03T10:00:00.050Z"), ZoneOffset.UTC);
  final List<String> lines = new ArrayList<>();
  Mesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  /** A mesh whose access log writes to {@link #lines}: the listener the builder installs, with the test's sink. */
  private Mesh mesh(String extra, AccessLog.Format format) {
    AccessLog log = new AccessLog(lines::add, () -> true,
        () -> TelemetrySettings.compile(mesh.snapshot().config(), mesh.workload(), "istio-system")
            .accessLog(new AccessLogSettings(true, format, null)), clock);
    mesh = TelemetryFixture.mesh(dir, extra, time).clock(clock).callListener(log).build();
    return mesh;
  }

  @Test
  void aClientCallIsOneLineInEnvoysFormatWithUpstreamClusterDurationsBytesAndFlags() {
    mesh("", AccessLog.Format.TEXT);
    TelemetryFixture.call(mesh, time, "http://reviews:9080/r/1", 20, 503, 503, 503);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).matches("\\[2026-12-03T[0-9:.]+Z] \"GET /r/1 HTTP/1.1\" 503 URX via_upstream - \"-\" 10 2000 \\d+ 20 "
        + "\"-\" \"-\" \"-\" \"reviews:9080\" \"10.0.0.1:9080\" outbound\\|9080\\|\\|reviews.default.svc.cluster.local - - - - main -");
  }

  @Test
  void aPassthroughCallNamesThePassthroughClusterAndTheHostItWentTo() {
    mesh("", AccessLog.Format.JSON);
    var p = (io.meshlet.core.pipeline.Passthrough) mesh.pipeline().outbound(io.meshlet.core.MeshTesting.get("http://api.example.com:8080/x"), null);
    p.startTry();
    p.complete(io.meshlet.core.resilience.AttemptResult.status(200));
    p.end();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("\"response_code\":200",
        "\"upstream_host\":\"api.example.com:8080\",\"upstream_cluster\":\"PassthroughCluster\"");
  }

  @Test
  void jsonLinesCarryEnvoysKeys() {
    mesh("", AccessLog.Format.JSON);
    TelemetryFixture.call(mesh, time, "http://reviews:9080/r/1", 1, 200);
    assertThat(lines.get(0)).startsWith("{\"start_time\":\"2026-12-03T10:00:00")
        .contains("\"method\":\"GET\",\"path\":\"/r/1\",\"protocol\":\"HTTP/1.1\",\"response_code\":200,\"response_flags\":null")
        .contains("\"upstream_host\":\"10.0.0.1:9080\",\"upstream_cluster\":\"outbound|9080||reviews.default.svc.cluster.local\"")
        .contains("\"route_name\":\"main\",\"trace_id\":null}");
  }

  @Test
  void aTelemetryResourceTurnsTheLogOffOrFiltersItByStatus() {
    mesh("""
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata: {name: errors-only}
        spec:
          accessLogging:
          - filter: {expression: "response.code >= 500"}
        """, AccessLog.Format.TEXT);
    TelemetryFixture.call(mesh, time, "http://reviews:9080/ok", 1, 200);
    TelemetryFixture.call(mesh, time, "http://reviews:9080/bad", 1, 503, 503, 503);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("/bad");
  }

  @Test
  void aServedCallIsLoggedWithTheInboundCluster() {
    mesh("", AccessLog.Format.TEXT);
    var v = mesh.pipeline().inbound(TelemetryFixture.inbound("/reviews/0", "user-agent", "curl/8", "x-request-id", "abc"), null);
    time.advance(Duration.ofMillis(4));
    v.end(200, 0, 42);
    assertThat(lines.get(0)).matches("\\[.*] \"GET /reviews/0 HTTP/1.1\" 200 - via_upstream - \"-\" 0 42 4 - \"-\" \"curl/8\" "
        + "\"abc\" \"reviews\" \"-\" inbound\\|9080\\|\\| - - 10.0.0.9 - default -");
  }
}
