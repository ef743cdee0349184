package io.meshlet.controlplane;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's admin HTTP server (the JDK's {@code com.sun.net.httpserver}, plain HTTP/1.1):
 * the JSON API under {@code /api/} ({@link AdminApi}) and the console's assets at {@code /}
 * ({@link ConsoleAssets}). Two daemon threads answer; nothing here blocks the control thread.
 */
final class AdminServer implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(AdminServer.class);
  static final int THREADS = 2;

  private final HttpServer server;
  private final ExecutorService executor;
  private final AdminApi api;

  private AdminServer(HttpServer server, ExecutorService executor, AdminApi api) {
    this.server = server;
    this.executor = executor;
    this.api = api;
  }

  static AdminServer start(MeshControlPlane cp, int port, @Nullable URI prometheus, Duration scrapeInterval)
      throws IOException {
    // Without TCP_NODELAY every answer of the JDK's server stalls ~40 ms on loopback (DEPENDENCIES.md).
    // Read once, when the JDK's server is first used; a value the application set is left alone.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "mesh-control-plane-admin");
      t.setDaemon(true);
      return t;
    });
    AdminApi api = new AdminApi(cp, prometheus != null ? new PrometheusSeries(prometheus)
        : new ScrapedSeries(() -> ScrapedSeries.targets(cp.nodes().all()), scrapeInterval));
    AdminServer admin = new AdminServer(server, executor, api);
    server.createContext("/api/", admin::api);
    server.createContext("/", ConsoleAssets::serve);
    server.setExecutor(executor);
    server.start();
    return admin;
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void api(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status = 200;
      Object body;
      try {
        if (!exchange.getRequestMethod().equals("GET")) {
          throw new AdminError(405, exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
              + " (expected: GET)");
        }
        body = api.answer(exchange.getRequestURI().getRawPath(), query(exchange.getRequestURI().getRawQuery()));
      } catch (AdminError e) {
        status = e.status();
        body = Map.of("error", e.getMessage());
      } catch (RuntimeException e) {
        logger.warn("admin API {} failed", exchange.getRequestURI(), e);
        status = 500;
        body = Map.of("error", String.valueOf(e.getMessage()));
      }
      send(exchange, status, "application/json", Json.write(body));
    }
  }

  static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The query parameters, decoded; the first of a repeated name wins. */
  static Map<String, String> query(@Nullable String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    api.close();
    executor.shutdownNow();
  }
}
