package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.spring.app.ProductPage;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Istio's series in Boot's {@code /actuator/prometheus} and one trace through the application's own
 * {@link OpenTelemetry} bean: the starter hands the application's registry and tracer to the mesh.
 */
@SpringBootTest(classes = {ProductPage.class, MeshTelemetryTest.Tracing.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.application.name=productpage",
        "mesh.labels.app=productpage",
        "mesh.labels.version=v1",
        "management.endpoints.web.exposure.include=prometheus"})
class MeshTelemetryTest {
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  static final OkHttpClient PLAIN = new OkHttpClient();

  @TestConfiguration(proxyBeanMethods = false)
  static class Tracing {
    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry() {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
    }
  }

  @DynamicPropertySource
  static void meshConfig(DynamicPropertyRegistry registry) {
    registry.add("mesh.config.files", BookinfoContext.CONFIG::toString);
  }

  @LocalServerPort int port;

  @Test
  void aPageThatCallsReviewsShowsBothReportersInActuatorPrometheusAndMakesOneTrace() throws IOException {
    SPANS.reset();
    try (Response page = get("/product/3", "jason")) {
      assertThat(page.code()).isEqualTo(200);
      assertThat(page.body().string()).isEqualTo("v2");
    }

    String scrape;
    try (Response r = get("/actuator/prometheus", "nobody")) {
      assertThat(r.code()).isEqualTo(200);
      scrape = r.body().string();
    }
    List<String> requests = scrape.lines().filter(l -> l.startsWith("istio_requests_total{")).toList();
    assertThat(requests).as("the call to reviews, reported by its caller")
        .anySatisfy(l -> assertThat(l).contains("reporter=\"source\"", "source_workload=\"productpage\"",
            "destination_service=\"reviews.default.svc.cluster.local\"", "response_code=\"200\"",
            "destination_version=\"v2\""));
    assertThat(requests).as("the page, reported by the application that served it")
        .anySatisfy(l -> assertThat(l).contains("reporter=\"destination\"", "destination_workload=\"productpage\"",
            "response_code=\"200\""));
    assertThat(scrape).contains("istio_request_duration_milliseconds_bucket{");

    List<SpanData> spans = SPANS.getFinishedSpanItems();
    SpanData server = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    SpanData client = spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(client.getTraceId()).as("the call made while serving is in the page's trace").isEqualTo(server.getTraceId());
    assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(Stream.of(server, client)).allSatisfy(s -> assertThat(s.getTraceId()).isNotBlank());
  }

  private Response get(String path, String user) throws IOException {
    return PLAIN.newCall(new Request.Builder().url("http://127.0.0.1:" + port + path).header("end-user", user).build())
        .execute();
  }
}
