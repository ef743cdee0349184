package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.meshlet.core.resilience.ManualTime;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two sources of the graph's rates against real HTTP servers on loopback: the control plane's
 * own scrapes of a workload's metrics endpoint (rates from two scrapes, on a manual clock), and a
 * Prometheus server's query API (a Jetty answering as Prometheus documents {@code /api/v1/query};
 * mesh-it's console test uses a real Prometheus where one is installed).
 */
class SeriesSourcesTest {
  final AtomicReference<String> metrics = new AtomicReference<>("");
  final AtomicReference<String> lastQuery = new AtomicReference<>();
  Server jetty;
  int port;

  @BeforeEach
  void start() throws Exception {
    jetty = new Server();
    ServerConnector c = new ServerConnector(jetty);
    c.setHost("127.0.0.1");
    jetty.addConnector(c);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getOutputStream().write(metrics.get().getBytes(StandardCharsets.UTF_8));
      }
    }), "/metrics");
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String q = req.getParameter("query");
        lastQuery.set(q);
        resp.setContentType("application/json");
        String body = q.contains("bucket")
            ? "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"
            : "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"reporter\":\"source\","
                + "\"source_workload\":\"productpage\",\"response_code\":\"200\"},\"value\":[1700000000.1,\"2.5\"]},"
                + "{\"metric\":{\"reporter\":\"source\"},\"value\":[1700000000.1,\"NaN\"]}]}}";
        if (q.contains("broken")) {
          resp.setStatus(400);
          body = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}";
        }
        resp.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
      }
    }), "/api/v1/query");
    jetty.setHandler(context);
    jetty.start();
    port = c.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    jetty.stop();
  }

  @Test
  void scrapesGiveRatesOverTheWindowFromTheFirstAndLastScrapeInIt() throws Exception {
    ManualTime time = new ManualTime();
    URI target = URI.create("http://127.0.0.1:" + port + "/metrics");
    try (ScrapedSeries s = new ScrapedSeries(() -> List.of(target), time)) {
      metrics.set(counter("200", 100) + counter("503", 4));
      s.scrapeAll().get(10, TimeUnit.SECONDS);
      assertThat(s.rates(Duration.ofSeconds(60)).requests()).as("one scrape: no rate yet").isEmpty();

      time.advance(Duration.ofSeconds(10));
      metrics.set(counter("200", 150) + counter("503", 9) + counter("504", 2));
      s.scrapeAll().get(10, TimeUnit.SECONDS);
      Series.Rates r = s.rates(Duration.ofSeconds(60));
      assertThat(r.source()).isEqualTo("workloads");
      assertThat(rate(r, "200")).isCloseTo(5.0, within(1e-9));
      assertThat(rate(r, "503")).isCloseTo(0.5, within(1e-9));
      assertThat(rate(r, "504")).as("a series new since the first scrape started at 0").isCloseTo(0.2, within(1e-9));

      time.advance(Duration.ofSeconds(10));
      metrics.set(counter("200", 10) + counter("503", 9) + counter("504", 2)); // restarted: the counter fell
      s.scrapeAll().get(10, TimeUnit.SECONDS);
      assertThat(rate(s.rates(Duration.ofSeconds(5)), "200")).as("last two scrapes, the reset counted from 0")
          .isCloseTo(1.0, within(1e-9));
      assertThat(rate(s.rates(Duration.ofSeconds(60)), "503")).isCloseTo(0.25, within(1e-9));
    }
  }

  @Test
  void aWorkloadThatCannotBeReadIsLeftOutAndTheOthersStillCount() throws Exception {
    ManualTime time = new ManualTime();
    URI good = URI.create("http://127.0.0.1:" + port + "/metrics");
    URI missing = URI.create("http://127.0.0.1:" + port + "/nothing-here");
    try (ScrapedSeries s = new ScrapedSeries(() -> List.of(missing, good), time)) {
      metrics.set(counter("200", 0));
      s.scrapeAll().get(10, TimeUnit.SECONDS);
      time.advance(Duration.ofSeconds(5));
      metrics.set(counter("200", 10));
      s.scrapeAll().get(10, TimeUnit.SECONDS);
      assertThat(rate(s.rates(Duration.ofSeconds(60)), "200")).isCloseTo(2.0, within(1e-9));
    }
  }

  @Test
  void targetsAreTheMetricsUrlsConnectedNodesAnnounced() {
    NodeKey key = new NodeKey("default", java.util.Map.of());
    List<NodeStatuses.Status> nodes = List.of(
        new NodeStatuses.Status("a", key, "a", java.util.Map.of(), true, "http://127.0.0.1:1/metrics", java.util.Map.of()),
        new NodeStatuses.Status("b", key, "b", java.util.Map.of(), true, "http://127.0.0.1:1/metrics", java.util.Map.of()),
        new NodeStatuses.Status("c", key, "c", java.util.Map.of(), false, "http://127.0.0.1:3/metrics", java.util.Map.of()),
        new NodeStatuses.Status("d", key, "d", java.util.Map.of(), true, "not a url", java.util.Map.of()),
        new NodeStatuses.Status("e", key, "e", java.util.Map.of(), true, "ftp://x/metrics", java.util.Map.of()),
        new NodeStatuses.Status("f", key, "f", java.util.Map.of(), true, null, java.util.Map.of()));
    assertThat(ScrapedSeries.targets(nodes)).containsExactly(URI.create("http://127.0.0.1:1/metrics"));
  }

  @Test
  void prometheusIsAskedKialisQueriesAndItsErrorsAreShown() {
    try (PrometheusSeries p = new PrometheusSeries(URI.create("http://127.0.0.1:" + port))) {
      Series.Rates r = p.rates(Duration.ofSeconds(30));
      assertThat(lastQuery.get()).isEqualTo("sum(rate(istio_request_duration_milliseconds_bucket[30s])) by (reporter,"
          + "source_workload,source_workload_namespace,destination_workload,destination_workload_namespace,"
          + "destination_service,le)");
      assertThat(PrometheusSeries.requestsQuery(Duration.ofSeconds(30))).startsWith("sum(rate(istio_requests_total[30s])) by (reporter,");
      assertThat(r.source()).isEqualTo("prometheus");
      assertThat(r.requests()).hasSize(1);
      assertThat(r.requests().get(0).perSecond()).isEqualTo(2.5);
      assertThat(r.requests().get(0).label("source_workload")).isEqualTo("productpage");
    }
    assertThatThrownBy(() -> PrometheusSeries.rows(400,
        "{\"status\":\"error\",\"error\":\"parse error\"}".getBytes(StandardCharsets.UTF_8), "http://p:9090"))
        .isInstanceOf(AdminError.class).hasMessage("prometheus http://p:9090 answered 400: parse error");
    try (PrometheusSeries down = new PrometheusSeries(URI.create("http://127.0.0.1:1"))) {
      assertThatThrownBy(() -> down.rates(Duration.ofSeconds(30))).isInstanceOf(AdminError.class)
          .hasMessageStartingWith("prometheus http://127.0.0.1:1/ cannot be read: ");
    }
  }

  private static String counter(String code, double value) {
    return "istio_requests_total{reporter=\"source\",source_workload=\"productpage\",destination_service=\"reviews\","
        + "response_code=\"" + code + "\",request_protocol=\"http\"} " + value + "\n";
  }

  private static double rate(Series.Rates r, String code) {
    return r.requests().stream().filter(x -> x.label("response_code").equals(code)).mapToDouble(Series.Row::perSecond).sum();
  }
}
