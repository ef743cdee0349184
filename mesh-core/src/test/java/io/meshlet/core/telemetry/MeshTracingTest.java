package io.meshlet.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.MeshTesting;
import io.meshlet.core.pipeline.CallListener;
import io.meshlet.core.pipeline.CallerContext;
import io.meshlet.core.pipeline.InboundVerdict;
import io.meshlet.core.pipeline.OutboundCall;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.ManualTime;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client and server spans from the pipeline's events, W3C and B3 propagation, and the inbound span as parent. */
class MeshTracingTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PARENT = "00f067aa0ba902b7";

  @TempDir Path dir;
  final ManualTime time = new ManualTime();
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  Mesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    otel.close();
  }

  private Mesh mesh(String extra) {
    mesh = TelemetryFixture.mesh(dir, extra, time).openTelemetry(otel).build();
    return mesh;
  }

  @Test
  void aClientSpanShowsEachTryAndSendsItsTraceContextOnEveryTry() {
    mesh("");
    OutboundCall call = (OutboundCall) mesh.pipeline().outbound(MeshTesting.get("http://reviews:9080/r/1"), null);
    call.admit();
    List<String> traceparents = new ArrayList<>();
    call.startTry();
    call.forEachTryHeader((k, v) -> traceparents.add(k + ": " + v));
    long retryIn = call.onResult(AttemptResult.status(503));
    time.advance(java.time.Duration.ofNanos(retryIn));
    call.startTry();
    call.forEachTryHeader((k, v) -> traceparents.add(k + ": " + v));
    call.onResult(AttemptResult.status(200));
    call.end();

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getName()).isEqualTo("GET");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("url.full"))).isEqualTo("http://reviews:9080/r/1");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("reviews");
    assertThat(span.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo(9080L);
    assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
    assertThat(span.getAttributes().get(AttributeKey.longKey("http.request.resend_count"))).isEqualTo(1L);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("meshlet.route"))).isEqualTo("main");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("meshlet.cluster")))
        .isEqualTo("outbound|9080||reviews.default.svc.cluster.local");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("meshlet.endpoint"))).isEqualTo("10.0.0.1:9080");
    assertThat(span.getEvents()).extracting(EventData::getName).containsExactly("meshlet.try", "meshlet.try");
    assertThat(span.getEvents()).extracting(e -> e.getAttributes().get(AttributeKey.longKey("meshlet.try")))
        .containsExactly(1L, 2L);
    assertThat(span.getEvents()).extracting(e -> e.getAttributes().get(AttributeKey.stringKey("meshlet.try.result")))
        .containsExactly("503", "200");
    String expected = "traceparent: 00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
    assertThat(traceparents).containsExactly(expected, expected);
  }

  @Test
  void aServerSpanContinuesTheCallersW3cTraceAndIsTheParentOfCallsMadeWhileServing() throws Exception {
    mesh("");
    InboundVerdict v = mesh.pipeline().inbound(TelemetryFixture.inbound("/reviews/0",
        "traceparent", "00-" + TRACE + "-" + PARENT + "-01", "tracestate", "congo=t61rcWkgMzE"), null);
    CallerContext captured;
    try (CallListener.Scope s = v.attachContext()) {
      // A call on the serving thread, and one handed to another thread as OkHttp's enqueue() does.
      TelemetryFixture.call(mesh, time, "http://reviews:9080/sync", 1, 200);
      captured = mesh.pipeline().captureContext();
    }
    CompletableFuture.runAsync(() -> {
      OutboundCall call = (OutboundCall) mesh.pipeline().outbound(MeshTesting.get("http://reviews:9080/async"), null, captured);
      call.admit();
      call.startTry();
      call.onResult(AttemptResult.status(200));
      call.end();
    }).get();
    v.end(200, 0, 10);

    List<SpanData> all = spans.getFinishedSpanItems();
    SpanData server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    assertThat(server.getTraceId()).isEqualTo(TRACE);
    assertThat(server.getParentSpanId()).isEqualTo(PARENT);
    assertThat(server.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo("/reviews/0");
    assertThat(all).filteredOn(s -> s.getKind() == SpanKind.CLIENT).hasSize(2)
        .allSatisfy(c -> {
          assertThat(c.getTraceId()).isEqualTo(TRACE);
          assertThat(c.getParentSpanId()).isEqualTo(server.getSpanId());
          assertThat(c.getSpanContext().getTraceState().get("congo")).isEqualTo("t61rcWkgMzE");
        });
  }

  @Test
  void b3SingleAndMultiHeadersAreAcceptedInbound() {
    mesh("");
    mesh.pipeline().inbound(TelemetryFixture.inbound("/a", "b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"), null)
        .end(200, 0, 0);
    mesh.pipeline().inbound(TelemetryFixture.inbound("/b", "X-B3-TraceId", "463ac35c9f6413ad", "X-B3-SpanId", "a2fb4a1d1a96d312",
        "X-B3-Sampled", "1"), null).end(200, 0, 0);
    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all.get(0).getTraceId()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
    assertThat(all.get(0).getParentSpanId()).isEqualTo("e457b5a2e4d86bd1");
    assertThat(all.get(1).getTraceId()).isEqualTo("0000000000000000463ac35c9f6413ad");
    assertThat(all.get(1).getParentSpanId()).isEqualTo("a2fb4a1d1a96d312");
  }

  @Test
  void randomSamplingPercentageDecidesRootSpansAndASampledParentIsFollowed() {
    mesh("""
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata: {name: mesh-default, namespace: istio-system}
        spec:
          tracing:
          - randomSamplingPercentage: 0
        """);
    TelemetryFixture.call(mesh, time, "http://reviews:9080/root", 1, 200);
    mesh.pipeline().inbound(TelemetryFixture.inbound("/root"), null).end(200, 0, 0);
    assertThat(spans.getFinishedSpanItems()).isEmpty();
    mesh.pipeline().inbound(TelemetryFixture.inbound("/child", "traceparent", "00-" + TRACE + "-" + PARENT + "-01"), null).end(200, 0, 0);
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
  }

  @Test
  void aDeniedCallNamesThePolicyOnItsServerSpan() {
    mesh("""
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny-all}
        spec: {action: DENY, rules: [{}]}
        """);
    InboundVerdict v = mesh.pipeline().inbound(TelemetryFixture.inbound("/x"), null);
    assertThat(v.allowed()).isFalse();
    v.end(403, 0, 0);
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("meshlet.policy")))
        .isEqualTo("AuthorizationPolicy default/deny-all");
    assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(403L);
  }
}
