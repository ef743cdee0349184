package io.meshlet.grpc;

import static io.meshlet.grpc.GrpcTelemetryTest.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.meshlet.core.Mesh;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server side's body bytes: counted on the wire by {@link MeshGrpc#serverStreamTracer}, reported by the interceptor. */
class GrpcServerTelemetryTest {
  @TempDir Path dir;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  Mesh mesh;
  GrpcBackend reviews;
  ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (reviews != null) {
      reviews.close();
    }
    if (mesh != null) {
      mesh.close();
    }
  }

  /** The reviews workload's server, with or without the mesh's stream tracer; a plain (mesh-less) client to it. */
  private void start(boolean tracer) throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), "");
    mesh = Mesh.builder().workload("reviews").namespace("default").labels(Map.of("app", "reviews"))
        .configFile(file).meterRegistry(registry).build();
    reviews = new GrpcBackend("reviews-v1", InsecureServerCredentials.create(),
        tracer ? MeshGrpc.serverStreamTracer(mesh) : null, MeshGrpc.serverInterceptor(mesh));
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", reviews.port(), InsecureChannelCredentials.create()).build();
  }

  /**
   * The scrape once the served call is reported: the interceptor reports after the close it
   * forwards, so the client may have its answer a moment before. The response message counter is
   * the last meter a call records.
   */
  private String served() {
    org.awaitility.Awaitility.await().until(() -> registry.scrape().lines().anyMatch(l ->
        l.startsWith("istio_response_messages_total{") && l.contains("reporter=\"destination\"") && l.endsWith(" 1.0")));
    return registry.scrape();
  }

  @Test
  void aServedUnaryCallReportsItsBodyBytesAsEnvoyCountsThem() throws Exception {
    start(true);
    String answer = GrpcMeshes.who(channel);
    assertThat(answer).isEqualTo("reviews-v1");
    String scrape = served();
    assertThat(series(scrape, "istio_requests_total", "reporter=\"destination\"")).contains("grpc_response_status=\"0\"")
        .endsWith(" 1.0");
    // The message as on the wire plus its 5-byte gRPC frame header, each way.
    assertThat(series(scrape, "istio_request_bytes_sum", "reporter=\"destination\"")).endsWith(" " + (double) ("hi".length() + 5));
    assertThat(series(scrape, "istio_response_bytes_sum", "reporter=\"destination\"")).endsWith(" " + (double) (answer.length() + 5));
  }

  @Test
  void aClientStreamCountsAFrameHeaderPerMessage() throws Exception {
    start(true);
    CompletableFuture<String> answer = new CompletableFuture<>();
    StreamObserver<String> requests = ClientCalls.asyncClientStreamingCall(
        channel.newCall(Echo.JOIN, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS)), new StreamObserver<>() {
          @Override
          public void onNext(String value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    List<String> parts = List.of("a", "bb", "ccc");
    parts.forEach(requests::onNext);
    requests.onCompleted();
    assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo("reviews-v1:a,bb,ccc");
    String scrape = served();
    assertThat(series(scrape, "istio_request_messages_total", "reporter=\"destination\"")).endsWith(" 3.0");
    assertThat(series(scrape, "istio_request_bytes_sum", "reporter=\"destination\"")).endsWith(" " + (double) (6 + 3 * 5));
    assertThat(series(scrape, "istio_response_bytes_sum", "reporter=\"destination\""))
        .endsWith(" " + (double) ("reviews-v1:a,bb,ccc".length() + 5));
  }

  @Test
  void withoutTheTracerTheServerSideKnowsNoBytes() throws Exception {
    start(false);
    GrpcMeshes.who(channel);
    String scrape = served();
    assertThat(series(scrape, "istio_requests_total", "reporter=\"destination\"")).endsWith(" 1.0");
    assertThat(series(scrape, "istio_request_bytes_sum", "reporter=\"destination\"")).endsWith(" 0.0");
  }
}
