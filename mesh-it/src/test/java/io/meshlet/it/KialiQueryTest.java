package io.meshlet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.awaitility.Awaitility;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kiali's graph query answered by a real Prometheus (Debian's {@code prometheus}, which {@code
 * .ci/run} tries to install) scraping the three services of {@link Chain} on loopback. Skipped when
 * no {@code prometheus} binary is found ({@code PROMETHEUS} names one elsewhere).
 */
class KialiQueryTest {
  static final String KIALI = "sum(rate(istio_requests_total{reporter=\"source\"}[1m])) "
      + "by (source_workload, destination_service, response_code, response_flags)";

  @TempDir Path dir;

  static Path prometheus() {
    String env = System.getenv("PROMETHEUS");
    for (String candidate : new String[] {env, "/usr/bin/prometheus", "/usr/local/bin/prometheus"}) {
      if (candidate != null && Files.isExecutable(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    return null;
  }

  @Test
  void prometheusAnswersKialisGraphQueryFromTheMeshesSeries() throws Exception {
    Path binary = prometheus();
    assumeTrue(binary != null, "no prometheus binary (apt-get install prometheus, or set PROMETHEUS)");
    OkHttpClient http = new OkHttpClient();
    try (Chain chain = new Chain(Files.createDirectories(dir.resolve("chain")))) {
      Server metrics = metricsServer(Map.of("productpage", chain.productpageMetrics, "reviews", chain.reviewsMetrics,
          "ratings", chain.ratingsMetrics));
      int metricsPort = ((ServerConnector) metrics.getConnectors()[0]).getLocalPort();
      int port = freePort();
      Path config = dir.resolve("prometheus.yml");
      StringBuilder yml = new StringBuilder("global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:\n");
      for (String app : new String[] {"productpage", "reviews", "ratings"}) {
        yml.append("- job_name: ").append(app).append("\n  metrics_path: /metrics/").append(app)
            .append("\n  static_configs: [{targets: ['127.0.0.1:").append(metricsPort).append("']}]\n");
      }
      Files.writeString(config, yml);
      Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      try {
        AtomicReference<String> answer = new AtomicReference<>();
        String url = "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(KIALI, StandardCharsets.UTF_8);
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
          call(http, "http://127.0.0.1:" + chain.productpagePort + "/7");
          String body = call(http, url);
          answer.set(body);
          return body.contains("\"destination_service\":\"reviews.default.svc.cluster.local\"")
              && body.contains("\"destination_service\":\"ratings.default.svc.cluster.local\"");
        });
        assertThat(answer.get()).contains("\"status\":\"success\"", "\"resultType\":\"vector\"",
            "{\"destination_service\":\"reviews.default.svc.cluster.local\",\"response_code\":\"200\","
                + "\"response_flags\":\"-\",\"source_workload\":\"productpage\"}",
            "{\"destination_service\":\"ratings.default.svc.cluster.local\",\"response_code\":\"200\","
                + "\"response_flags\":\"-\",\"source_workload\":\"reviews\"}");
      } finally {
        p.destroy();
        p.waitFor();
        metrics.stop();
      }
    }
  }

  private static String call(OkHttpClient http, String url) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.body().string();
    }
  }

  /** Each registry's scrape at {@code /metrics/<app>}: one target per service, as Prometheus scrapes pods. */
  private static Server metricsServer(Map<String, PrometheusMeterRegistry> registries) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    registries.forEach((app, registry) -> context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
        resp.getWriter().write(registry.scrape());
      }
    }), "/metrics/" + app));
    server.setHandler(context);
    server.start();
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
