package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.Mesh;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What MeshInterceptor reports for telemetry, against real backends: the trace context on every try, sizes, outcomes. */
class InterceptorTelemetryTest {
  @TempDir Path dir;
  final Backend failing = new Backend("b0").respond(503);
  final Backend ok = new Backend("b1");
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  Mesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    failing.close();
    ok.close();
    otel.close();
  }

  private OkHttpClient client(int... ports) throws IOException {
    StringBuilder eps = new StringBuilder();
    for (int p : ports) {
      eps.append("  - {address: 127.0.0.1, ports: {http: ").append(p).append("}, labels: {app: catalog, version: v1}}\n");
    }
    Path file = dir.resolve("mesh.yaml");
    Files.writeString(file, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: catalog}
        spec:
          hosts: [catalog]
          resolution: STATIC
          ports: [{number: 8080, name: http, protocol: HTTP}]
          endpoints:
        %s---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: catalog}
        spec:
          host: catalog
          trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: catalog}
        spec:
          hosts: [catalog]
          http:
          - name: all
            route: [{destination: {host: catalog}}]
            retries: {attempts: 1, retryOn: "5xx,connect-failure"}
        """.formatted(eps));
    mesh = Mesh.builder().workload("shop").labels(Map.of("app", "shop")).configFile(file)
        .meterRegistry(registry).openTelemetry(otel).build();
    return MeshInterceptor.of(mesh).applyTo(new OkHttpClient());
  }

  @Test
  void aRetriedCallSendsItsTraceContextOnEveryTryAndIsOneSpanAndOneCount() throws IOException {
    OkHttpClient client = client(failing.port(), ok.port());
    try (Response r = client.newCall(new Request.Builder().url("http://catalog:8080/items").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("b1");
    }
    SpanData span = spans.getFinishedSpanItems().get(0);
    String traceparent = "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
    assertThat(failing.last().getHeaders().get("traceparent")).isEqualTo(traceparent);
    assertThat(ok.last().getHeaders().get("traceparent")).isEqualTo(traceparent);
    assertThat(span.getAttributes().get(AttributeKey.longKey("http.request.resend_count"))).isEqualTo(1L);
    assertThat(span.getEvents()).extracting(e -> e.getAttributes().get(AttributeKey.stringKey("meshlet.try.result")))
        .containsExactly("503", "200");
    String line = series(registry.scrape(), "istio_requests_total", "reporter=\"source\"");
    assertThat(line).contains("destination_service=\"catalog.default.svc.cluster.local\"", "destination_app=\"catalog\"",
        "response_code=\"200\"", "source_workload=\"shop\"").endsWith(" 1.0");
    assertThat(series(registry.scrape(), "istio_response_bytes_sum", "reporter=\"source\"")).endsWith(" 2.0");
  }

  @Test
  void aCallThatCannotConnectIsCountedWithItsFlagsAndEndsItsSpanAsAnError() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    OkHttpClient client = client(closed);
    assertThatThrownBy(() -> client.newCall(new Request.Builder().url("http://catalog:8080/items").build()).execute())
        .isInstanceOf(MeshRoutingException.class);
    assertThat(series(registry.scrape(), "istio_requests_total", "reporter=\"source\""))
        .contains("response_code=\"503\"", "response_flags=\"UF,URX\"");
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getStatus().getStatusCode().name()).isEqualTo("ERROR");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("meshlet.response_flags"))).isEqualTo("UF,URX");
  }

  @Test
  void aPassthroughCallCarriesItsTraceContextAndIsCountedAndTracedAsIstioDoesToThePassthroughCluster() throws IOException {
    OkHttpClient client = client(ok.port());
    String authority = "127.0.0.1:" + ok.port(); // a host the mesh does not know: ALLOW_ANY sends it as is
    try (Response r = client.newCall(new Request.Builder().url("http://" + authority + "/outside")
        .post(okhttp3.RequestBody.create("abc", null)).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("b1");
    }
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CLIENT);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("meshlet.cluster"))).isEqualTo("PassthroughCluster");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("url.full"))).isEqualTo("http://" + authority + "/outside");
    assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
    String traceparent = "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
    assertThat(ok.last().getHeaders().get("traceparent")).isEqualTo(traceparent);
    assertThat(ok.last().getHeaders().get("x-meshlet-peer")).as("no peer metadata to a host outside the mesh").isNull();
    assertThat(ok.last().getUrl().encodedPath()).isEqualTo("/outside");
    String scrape = registry.scrape();
    assertThat(series(scrape, "istio_requests_total", "destination_service_name=\"PassthroughCluster\""))
        .contains("reporter=\"source\"", "destination_service=\"" + authority + "\"", "source_workload=\"shop\"",
            "response_code=\"200\"", "response_flags=\"-\"").endsWith(" 1.0");
    assertThat(series(scrape, "istio_request_bytes_sum", "destination_service_name=\"PassthroughCluster\"")).endsWith(" 3.0");
    assertThat(series(scrape, "istio_response_bytes_sum", "destination_service_name=\"PassthroughCluster\"")).endsWith(" 2.0");
  }

  @Test
  void aPassthroughCallThatCannotConnectFailsAsWithoutTheMeshAndIsCountedWithUf() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    OkHttpClient client = client(ok.port());
    assertThatThrownBy(() -> client.newCall(new Request.Builder().url("http://127.0.0.1:" + closed + "/").build()).execute())
        .isInstanceOf(java.net.ConnectException.class);
    assertThat(series(registry.scrape(), "istio_requests_total", "destination_service_name=\"PassthroughCluster\""))
        .contains("destination_service=\"127.0.0.1:" + closed + "\"", "response_code=\"503\"", "response_flags=\"UF\"");
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getStatus().getStatusCode().name()).isEqualTo("ERROR");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("meshlet.response_flags"))).isEqualTo("UF");
  }

  static String series(String scrape, String metric, String... having) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(metric + "{") && Arrays.stream(having).allMatch(line::contains)) {
        return line;
      }
    }
    throw new AssertionError("no " + metric + " series with " + List.of(having) + " in\n" + scrape);
  }
}
