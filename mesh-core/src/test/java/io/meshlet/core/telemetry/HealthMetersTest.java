package io.meshlet.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.MeshTesting;
import io.meshlet.core.pipeline.InboundVerdict;
import io.meshlet.core.pipeline.Mirror;
import io.meshlet.core.pipeline.OutboundCall;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.ManualTime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The counting health meters as Prometheus scrapes them: overflows, mirror copies, dry-run decisions. */
class HealthMetersTest {
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

  private double value(String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(registry.scrape());
    if (!m.find()) {
      throw new AssertionError("no series " + series + " in\n" + registry.scrape());
    }
    return Double.parseDouble(m.group(1));
  }

  private OutboundCall call() {
    return (OutboundCall) mesh.pipeline().outbound(MeshTesting.get("http://reviews:9080/r"), null);
  }

  @Test
  void callsAndRetriesTheClustersLimitsRefuseAreCountedPerClusterAndLimit() {
    mesh = TelemetryFixture.mesh(dir, """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy: {connectionPool: {http: {http2MaxRequests: 2, maxRetries: 1}}}
        """, time).meterRegistry(registry).build();
    String cluster = "cluster=\"outbound|9080||reviews.default.svc.cluster.local\"";

    OutboundCall first = call();
    assertThat(first.admit()).isNull();
    assertThat(first.startTry()).isNull();
    assertThat(first.onResult(AttemptResult.status(503))).as("its retry takes the one retry allowed").isNotNegative();

    OutboundCall second = call();
    assertThat(second.admit()).isNull();
    assertThat(second.startTry()).isNull();
    assertThat(second.onResult(AttemptResult.status(503))).as("no retry left").isNegative();
    second.end();
    assertThat(value("meshlet_upstream_overflows_total{" + cluster + ",limit=\"retry_budget\"}")).isEqualTo(1.0);

    OutboundCall third = call();
    OutboundCall fourth = call();
    assertThat(third.admit()).isNull();
    assertThat(fourth.admit()).as("two calls in flight already").isNotNull();
    fourth.end();
    third.end();
    first.end();
    assertThat(value("meshlet_upstream_overflows_total{" + cluster + ",limit=\"connection_pool\"}")).isEqualTo(1.0);
    assertThat(registry.scrape()).doesNotContain("limit=\"circuit_breaker\"");
  }

  @Test
  void mirrorCopiesAreCountedByWhatBecameOfThem() {
    String yaml = TelemetryFixture.YAML.replace("retries: {attempts: 2, retryOn: 5xx}",
        "retries: {attempts: 2, retryOn: 5xx}\n    mirror: {host: shadow}") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: shadow}
        spec:
          hosts: [shadow]
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 10.0.0.7}]
        """;
    mesh = MeshTesting.mesh(MeshTesting.write(dir.resolve("mesh.yaml"), yaml)).time(time).meterRegistry(registry)
        .maxMirrorsInFlight(1).build();

    OutboundCall a = call();
    assertThat(a.admit()).isNull();
    Mirror held = a.mirrors().get(0);
    OutboundCall b = call();
    assertThat(b.admit()).isNull();
    assertThat(b.mirrors()).as("the bound of one is taken").isEmpty();
    held.skip();
    OutboundCall c = call();
    assertThat(c.admit()).isNull();
    c.mirrors().get(0).done();
    a.end();
    b.end();
    c.end();
    assertThat(value("meshlet_mirror_requests_total{result=\"sent\"}")).isEqualTo(2.0);
    assertThat(value("meshlet_mirror_requests_total{result=\"overflow\"}")).isEqualTo(1.0);
    assertThat(value("meshlet_mirror_requests_total{result=\"skipped\"}")).isEqualTo(1.0);
    assertThat(value("meshlet_mirror_requests_total{result=\"unroutable\"}")).isEqualTo(0.0);
  }

  @Test
  void dryRunDecisionsAreCountedPerEngineAndKeptAcrossConfigChanges() throws Exception {
    String dryRunDeny = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: deny-admin
          namespace: default
          annotations: {istio.io/dry-run: "true"}
        spec:
          action: DENY
          rules: [{to: [{operation: {paths: [/admin]}}]}]
        """;
    mesh = TelemetryFixture.mesh(dir, dryRunDeny, time).meterRegistry(registry).build();
    String denied = "meshlet_authz_dry_run_total{engine=\"istio_dry_run_deny\",result=\"denied\"}";
    String allowed = "meshlet_authz_dry_run_total{engine=\"istio_dry_run_deny\",result=\"allowed\"}";
    for (String path : new String[] {"/admin", "/admin", "/reviews"}) {
      InboundVerdict v = mesh.pipeline().inbound(TelemetryFixture.inbound(path), null);
      assertThat(v.decision().allowed()).as("dry-run never enforces").isTrue();
      v.end(200, 10, 10);
    }
    assertThat(value(denied)).isEqualTo(2.0);
    assertThat(value(allowed)).isEqualTo(1.0);

    long version = mesh.snapshot().version();
    TelemetryFixture.config(dir, dryRunDeny.replace("paths: [/admin]", "paths: [/admin, /root]"));
    org.awaitility.Awaitility.await().until(() -> mesh.snapshot().version() > version);
    mesh.pipeline().inbound(TelemetryFixture.inbound("/root"), null).end(200, 10, 10);
    assertThat(value(denied)).as("the first snapshot's two and the new one's one").isEqualTo(3.0);
    assertThat(value(allowed)).isEqualTo(1.0);
  }
}
