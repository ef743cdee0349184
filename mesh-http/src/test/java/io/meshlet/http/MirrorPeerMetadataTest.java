package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.Mesh;
import io.meshlet.core.telemetry.IstioMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mirrored HTTP request names its caller to the mirror's workload as the original does: the
 * mirror, a real Jetty behind MeshServletFilter, counts it under {@code source_workload="productpage"},
 * not {@code unknown}.
 */
class MirrorPeerMetadataTest {
  @TempDir Path dir;
  final Backend primary = new Backend("v1");
  final PrometheusMeterRegistry client = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final PrometheusMeterRegistry server = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final AtomicReference<String> shadowPeer = new AtomicReference<>();
  Mesh reviewsV2;
  Mesh mesh;
  Server jetty;

  @AfterEach
  void stop() throws Exception {
    primary.close();
    if (jetty != null) {
      jetty.stop();
    }
    if (mesh != null) {
      mesh.close();
    }
    if (reviewsV2 != null) {
      reviewsV2.close();
    }
  }

  private int startMirror() throws Exception {
    reviewsV2 = Mesh.builder().workload("reviews-v2").namespace("default")
        .labels(Map.of("app", "reviews", "version", "v2")).meterRegistry(server).build();
    HttpServlet app = new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        shadowPeer.set(req.getHeader(IstioMetrics.PEER_HEADER));
        resp.setStatus(200);
        resp.getWriter().write("v2");
      }
    };
    jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(app), "/*");
    context.addFilter(new FilterHolder(MeshServletFilter.of(reviewsV2)), "/*", EnumSet.of(DispatcherType.REQUEST));
    jetty.setHandler(context);
    jetty.start();
    return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  @Test
  void theShadowCarriesTheCallersPeerMetadataAndIsCountedUnderItsWorkload() throws Exception {
    int mirrorPort = startMirror();
    Path file = dir.resolve("mesh.yaml");
    Files.writeString(file, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews, subset: v1}}]
            mirror: {host: reviews, subset: v2}
        """.formatted(primary.port(), mirrorPort));
    mesh = Mesh.builder().workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configFile(file).random(new Random(1)).meterRegistry(client).build();
    OkHttpClient http = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
    try (Response r = http.newCall(new Request.Builder().url("http://reviews:9080/reviews/1").build()).execute()) {
      assertThat(r.body().string()).isEqualTo("v1");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> server.scrape().contains("istio_requests_total{"));
    String sent = primary.last().getHeaders().get(IstioMetrics.PEER_HEADER);
    assertThat(sent).startsWith("productpage;default;");
    assertThat(shadowPeer.get()).isEqualTo(sent);
    assertThat(server.scrape()).contains("source_workload=\"productpage\"").doesNotContain("source_workload=\"unknown\"");
  }
}
