package io.meshlet.controlplane;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The console's files, shipped in this jar under {@code io/meshlet/controlplane/console/} (plain
 * HTML, CSS, JavaScript and SVG; no build step, nothing fetched from elsewhere). Only the files
 * named here are served; {@code /} is {@code index.html}.
 */
final class ConsoleAssets {
  static final String ROOT = "/io/meshlet/controlplane/console/";
  static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "console.css", "text/css; charset=utf-8",
      "console.js", "text/javascript; charset=utf-8",
      "graph.js", "text/javascript; charset=utf-8",
      "logo.svg", "image/svg+xml");

  private ConsoleAssets() {}

  static void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String name = path.equals("/") ? "index.html" : path.substring(1);
      String type = FILES.get(name);
      if (!exchange.getRequestMethod().equals("GET") || type == null) {
        AdminServer.send(exchange, 404, "text/plain; charset=utf-8",
            ("not found: " + path + " (the console is at /, the API under /api/)\n").getBytes(StandardCharsets.UTF_8));
        return;
      }
      byte[] body;
      try (InputStream in = ConsoleAssets.class.getResourceAsStream(ROOT + name)) {
        if (in == null) {
          throw new IOException("console asset missing from the jar: " + ROOT + name);
        }
        body = in.readAllBytes();
      }
      AdminServer.send(exchange, 200, type, body);
    }
  }
}
