package io.meshlet.grpc;

import static io.meshlet.grpc.GrpcMeshes.failure;
import static io.meshlet.grpc.GrpcMeshes.who;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.meshlet.core.Mesh;
import io.meshlet.core.resilience.MeshTime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the mesh channel reports for telemetry: the trace context in every try's metadata, gRPC statuses, messages. */
class GrpcTelemetryTest {
  static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;
  GrpcMeshes meshes;
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @BeforeEach
  void start() {
    meshes = new GrpcMeshes(dir);
    meshes.backend("v1");
    meshes.backend("v1");
  }

  @AfterEach
  void stop() throws Exception {
    meshes.close();
    otel.close();
  }

  private ManagedChannel channel(String retries) throws Exception {
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("loadBalancer: {simple: ROUND_ROBIN}") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews}}]
            %s
        """.formatted(retries), MeshTime.system(), new Random(3), b -> b.meterRegistry(registry).openTelemetry(otel));
    return meshes.channel(mesh);
  }

  @Test
  void aRetriedCallCarriesItsTraceContextOnEveryTryAndCountsItsMessages() throws Exception {
    meshes.backends.get(0).failingTimes(Status.Code.UNAVAILABLE, 1);
    meshes.backends.get(1).failingTimes(Status.Code.UNAVAILABLE, 1);
    ManagedChannel channel = channel("retries: {attempts: 2, retryOn: unavailable}");
    String answer = who(channel);
    assertThat(answer).startsWith("v1-");
    SpanData span = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
    String traceparent = "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
    assertThat(meshes.backends).allSatisfy(b -> assertThat(b.lastHeaders().getAll(TRACEPARENT)).containsExactly(traceparent));
    assertThat(span.getName()).isEqualTo("test.Echo/Who");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("rpc.system"))).isEqualTo("grpc");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("rpc.service"))).isEqualTo("test.Echo");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("rpc.method"))).isEqualTo("Who");
    assertThat(span.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isEqualTo(0L);
    assertThat(span.getEvents()).hasSize(3);
    String scrape = registry.scrape();
    assertThat(series(scrape, "istio_requests_total", "reporter=\"source\"")).contains("request_protocol=\"grpc\"",
        "grpc_response_status=\"0\"", "response_code=\"200\"", "destination_service=\"reviews.default.svc.cluster.local\"")
        .endsWith(" 1.0");
    assertThat(series(scrape, "istio_request_messages_total", "reporter=\"source\"")).endsWith(" 1.0");
    assertThat(series(scrape, "istio_response_messages_total", "reporter=\"source\"")).endsWith(" 1.0");
    // Body bytes of the try that answered, as Envoy counts them: the message plus its 5-byte gRPC frame header.
    assertThat(series(scrape, "istio_request_bytes_sum", "reporter=\"source\"")).endsWith(" " + (double) ("hi".length() + 5));
    assertThat(series(scrape, "istio_response_bytes_sum", "reporter=\"source\"")).endsWith(" " + (double) (answer.length() + 5));
  }

  @Test
  void aFailedCallReportsTheStatusTheCallerGot() throws Exception {
    meshes.backends.forEach(b -> b.failing(Status.Code.UNAVAILABLE));
    ManagedChannel channel = channel("retries: {attempts: 1, retryOn: unavailable}");
    assertThat(failure(() -> who(channel)).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(series(registry.scrape(), "istio_requests_total", "reporter=\"source\""))
        .contains("grpc_response_status=\"14\"", "response_flags=\"URX\"");
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getStatus().getStatusCode().name()).isEqualTo("ERROR");
    assertThat(span.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isEqualTo(14L);
  }

  @Test
  void aPassthroughCallCarriesItsTraceContextAndIsCountedAsIstioCountsThePassthroughCluster() throws Exception {
    GrpcBackend outside = new GrpcBackend("outside");
    meshes.closeLater(outside);
    Mesh mesh = meshes.mesh("", MeshTime.system(), new Random(3), b -> b.meterRegistry(registry).openTelemetry(otel));
    String authority = "127.0.0.1:" + outside.port(); // not a host of the mesh: ALLOW_ANY sends it as is
    String answer = who(meshes.channel(mesh, authority));
    assertThat(answer).isEqualTo("outside");
    SpanData span = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(span.getAttributes().get(AttributeKey.stringKey("meshlet.cluster"))).isEqualTo("PassthroughCluster");
    assertThat(span.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isEqualTo(0L);
    String traceparent = "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
    assertThat(outside.lastHeaders().getAll(TRACEPARENT)).containsExactly(traceparent);
    assertThat(outside.lastHeaders().get(Metadata.Key.of("x-meshlet-peer", Metadata.ASCII_STRING_MARSHALLER)))
        .as("no peer metadata to a host outside the mesh").isNull();
    String scrape = registry.scrape();
    String passthrough = "destination_service_name=\"PassthroughCluster\"";
    assertThat(series(scrape, "istio_requests_total", passthrough)).contains("reporter=\"source\"",
        "destination_service=\"" + authority + "\"", "request_protocol=\"grpc\"", "grpc_response_status=\"0\"",
        "response_flags=\"-\"").endsWith(" 1.0");
    assertThat(series(scrape, "istio_request_messages_total", passthrough)).endsWith(" 1.0");
    assertThat(series(scrape, "istio_response_messages_total", passthrough)).endsWith(" 1.0");
    assertThat(series(scrape, "istio_request_bytes_sum", passthrough)).endsWith(" " + (double) ("hi".length() + 5));
    assertThat(series(scrape, "istio_response_bytes_sum", passthrough)).endsWith(" " + (double) (answer.length() + 5));
  }

  @Test
  void aPassthroughCallThatCannotConnectKeepsItsStatusAndIsCountedWithUf() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Mesh mesh = meshes.mesh("", MeshTime.system(), new Random(3), b -> b.meterRegistry(registry).openTelemetry(otel));
    ManagedChannel channel = meshes.channel(mesh, "127.0.0.1:" + closed);
    assertThat(failure(() -> who(channel)).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(series(registry.scrape(), "istio_requests_total", "destination_service_name=\"PassthroughCluster\""))
        .contains("destination_service=\"127.0.0.1:" + closed + "\"", "grpc_response_status=\"14\"", "response_flags=\"UF\"");
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
