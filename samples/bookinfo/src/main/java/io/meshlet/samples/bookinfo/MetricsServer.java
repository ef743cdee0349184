package io.meshlet.samples.bookinfo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every workload's Prometheus text at {@code /metrics/<workload>}, outside the mesh's filters, as
 * a pod's merged metrics port (istio-agent's 15020) is: the control plane's console scrapes it even
 * while an AuthorizationPolicy denies everything or PeerAuthentication is STRICT. The registries
 * are the applications' own (Spring Boot's), registered once each context has started.
 */
final class MetricsServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, PrometheusMeterRegistry> registries = new ConcurrentHashMap<>();

  MetricsServer(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    server.createContext("/metrics/", this::handle);
    server.start();
  }

  void register(String workload, PrometheusMeterRegistry registry) {
    registries.put(workload, registry);
  }

  String url(String workload) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics/" + workload;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      PrometheusMeterRegistry r = registries.get(exchange.getRequestURI().getPath().substring("/metrics/".length()));
      byte[] body = (r == null ? "not started\n" : r.scrape()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(r == null ? 503 : 200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
