package io.meshlet.controlplane;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The graph's rates from a Prometheus server, by Kiali's kind of query: {@code sum(rate(istio_requests_total[W])) by (...)}
 * and {@code sum(rate(istio_request_duration_milliseconds_bucket[W])) by (..., le)}, the labels of
 * {@link GraphBuilder}, both reporters (the graph picks). Each query is bounded by {@link #TIMEOUT}.
 */
final class PrometheusSeries implements Series {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final String REQUESTS = "sum(rate(istio_requests_total[%ds])) by (%s)";
  static final String BUCKETS = "sum(rate(istio_request_duration_milliseconds_bucket[%ds])) by (%s)";

  private final URI base;
  private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "mesh-control-plane-prometheus");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).executor(executor).build();

  PrometheusSeries(URI base) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
  }

  static String requestsQuery(Duration window) {
    return REQUESTS.formatted(window.toSeconds(), String.join(",", GraphBuilder.REQUEST_LABELS));
  }

  static String bucketsQuery(Duration window) {
    return BUCKETS.formatted(window.toSeconds(), String.join(",", GraphBuilder.BUCKET_LABELS));
  }

  @Override
  public Rates rates(Duration window) {
    return new Rates("prometheus", query(requestsQuery(window)), query(bucketsQuery(window)));
  }

  private List<Row> query(String promql) {
    URI uri = base.resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<byte[]> response;
    try {
      response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new AdminError(502, "prometheus " + base + " cannot be read: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminError(503, "interrupted while asking prometheus " + base);
    }
    return rows(response.statusCode(), response.body(), base.toString());
  }

  /** The rows of an instant query's answer ({@code resultType} vector). */
  static List<Row> rows(int status, byte[] body, String from) {
    JsonNode answer;
    try {
      answer = Json.tree(body);
    } catch (JacksonException e) {
      throw new AdminError(502, "prometheus " + from + " answered " + status + " with no JSON: " + e.getOriginalMessage());
    }
    if (status != 200 || !"success".equals(answer.path("status").asString(""))) {
      throw new AdminError(502, "prometheus " + from + " answered " + status + ": " + answer.path("error").asString("(no error given)"));
    }
    List<Row> out = new ArrayList<>();
    for (JsonNode r : answer.path("data").path("result")) {
      Map<String, String> labels = new LinkedHashMap<>();
      r.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString("")));
      double v;
      try {
        v = Double.parseDouble(r.path("value").path(1).asString("NaN"));
      } catch (NumberFormatException e) {
        continue;
      }
      if (!Double.isNaN(v)) {
        out.add(new Row(labels, v));
      }
    }
    return out;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
