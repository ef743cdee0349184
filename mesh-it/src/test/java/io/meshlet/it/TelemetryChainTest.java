package io.meshlet.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * servlet → OkHttp {@code enqueue()} → servlet → gRPC → gRPC server, three meshes: one trace, and
 * Istio's series from both reporters of every hop.
 */
class TelemetryChainTest {
  @TempDir Path dir;
  Chain chain;

  @BeforeEach
  void start() throws Exception {
    chain = new Chain(dir);
  }

  @AfterEach
  void stop() {
    chain.close();
  }

  private String get(String path) throws Exception {
    try (Response r = new OkHttpClient().newCall(new Request.Builder()
        .url("http://127.0.0.1:" + chain.productpagePort + path).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    }
  }

  @Test
  void oneRequestIsOneTraceAcrossThreeServicesWithoutApplicationCode() throws Exception {
    assertThat(get("/0")).isEqualTo("productpage: reviews of /reviews/0: 5 stars for /reviews/0");
    org.awaitility.Awaitility.await().until(() -> chain.spans.getFinishedSpanItems().size() >= 5);
    List<SpanData> spans = chain.spans.getFinishedSpanItems();
    assertThat(spans).hasSize(5);
    assertThat(spans).extracting(SpanData::getTraceId).containsOnly(spans.get(0).getTraceId());
    Map<String, SpanData> byId = spans.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
    SpanData ratingsServer = only(spans, SpanKind.SERVER, "bookinfo.Ratings/Get");
    SpanData reviewsClient = byId.get(ratingsServer.getParentSpanId());
    assertThat(reviewsClient.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(reviewsClient.getName()).isEqualTo("bookinfo.Ratings/Get");
    SpanData reviewsServer = byId.get(reviewsClient.getParentSpanId());
    assertThat(reviewsServer.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(reviewsServer.getAttributes().asMap().toString()).contains("url.path=/reviews/0");
    SpanData productpageClient = byId.get(reviewsServer.getParentSpanId());
    assertThat(productpageClient.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(productpageClient.getAttributes().asMap().toString()).contains("url.full=http://reviews:9080/reviews/0");
    SpanData productpageServer = byId.get(productpageClient.getParentSpanId());
    assertThat(productpageServer.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(productpageServer.getParentSpanContext().isValid()).as("the root").isFalse();
  }

  @Test
  void everyHopIsReportedBySourceAndDestinationWithEveryLabel() throws Exception {
    get("/1");
    String scrape = chain.scrape();
    String ppToReviews = series(scrape, "istio_requests_total", "reporter=\"source\"", "source_workload=\"productpage\"");
    assertThat(ppToReviews).contains("destination_service=\"reviews.default.svc.cluster.local\"",
        "destination_workload=\"reviews-v2\"", "destination_version=\"v2\"", "response_code=\"200\"",
        "request_protocol=\"http\"", "response_flags=\"-\"");
    String reviewsIn = series(scrape, "istio_requests_total", "reporter=\"destination\"", "destination_workload=\"reviews\"");
    assertThat(reviewsIn).contains("destination_service=\"reviews.default.svc.cluster.local\"", "response_code=\"200\"",
        "source_workload=\"productpage\"", "source_app=\"productpage\"", "source_version=\"v1\"",
        "connection_security_policy=\"none\"");
    String reviewsToRatings = series(scrape, "istio_requests_total", "reporter=\"source\"", "source_workload=\"reviews\"");
    assertThat(reviewsToRatings).contains("destination_service=\"ratings.default.svc.cluster.local\"",
        "request_protocol=\"grpc\"", "grpc_response_status=\"0\"", "response_code=\"200\"");
    assertThat(series(scrape, "istio_request_messages_total", "reporter=\"source\"", "source_workload=\"reviews\""))
        .endsWith(" 1.0");
    assertThat(series(scrape, "istio_response_messages_total", "reporter=\"destination\"", "destination_workload=\"ratings\""))
        .endsWith(" 1.0");
    assertThat(series(scrape, "istio_response_bytes_sum", "reporter=\"source\"", "source_workload=\"productpage\""))
        .doesNotEndWith(" 0.0");
    for (String line : scrape.split("\n")) {
      if (line.startsWith("istio_requests_total{")) {
        assertThat(line.split("=\"", -1)).as("25 labels on " + line).hasSize(26);
      }
    }
  }

  static SpanData only(List<SpanData> spans, SpanKind kind, String name) {
    return spans.stream().filter(s -> s.getKind() == kind && s.getName().equals(name)).findFirst().orElseThrow();
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
