package io.meshlet.samples.routing;

import com.sun.net.httpserver.HttpServer;
import io.meshlet.core.Mesh;
import io.meshlet.http.MeshInterceptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Starts three local "reviews" backends (v1, v2, v3), loads an Istio VirtualService that sends
 * {@code end-user: jason} to v2 and splits everyone else 80/20 between v1 and v3, then calls
 * {@code http://reviews:9080/} through OkHttp with Meshlet's interceptor and prints what happened:
 * the observed split, an explain of one request, and what a bad config edit gets.
 */
public final class RoutingDemo {
  private static final int CALLS = 1000;

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    List<HttpServer> backends = new ArrayList<>();
    for (String version : List.of("v1", "v2", "v3")) {
      backends.add(backend("reviews-" + version));
    }
    Path dir = Files.createTempDirectory("meshlet-demo");
    Path config = dir.resolve("mesh.yaml");
    String template = resource("mesh.yaml")
        .replace("${V1_PORT}", port(backends.get(0)))
        .replace("${V2_PORT}", port(backends.get(1)))
        .replace("${V3_PORT}", port(backends.get(2)));
    replace(config, template);

    Mesh mesh = Mesh.builder()
        .workload("productpage")
        .namespace("default")
        .labels(Map.of("app", "productpage", "version", "v1"))
        .configFile(config)
        .pollInterval(Duration.ofMillis(100))
        .build();
    OkHttpClient client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
    try {
      section("Meshlet routing demo");
      System.out.println("backends: v1 on :" + port(backends.get(0)) + ", v2 on :" + port(backends.get(1))
          + ", v3 on :" + port(backends.get(2)));
      System.out.println("config:   " + config + " (snapshot version " + mesh.snapshot().version() + ")");

      section(CALLS + " calls to http://reviews:9080/reviews/0 (VirtualService: 80% v1, 20% v3)");
      printSplit(count(client, null));

      section("100 calls with end-user: jason (VirtualService: all to v2)");
      printSplit(countJason(client));

      section("explain GET http://reviews:9080/reviews/0 with end-user: bob");
      System.out.print(mesh.explain("http://reviews:9080/reviews/0", Map.of("end-user", "bob")));

      section("a bad edit: weight -5 and a misspelled field");
      replace(config, template.replace("weight: 80", "weight: -5").replace("exact: jason", "exactly: jason"));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (mesh.lastRejection().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      System.out.println(mesh.lastRejection().map(Object::toString).orElse("(not noticed within 5 s)"));
      System.out.println("still routing with snapshot version " + mesh.snapshot().version() + ":");
      printSplit(count(client, null));
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
      mesh.close();
      backends.forEach(s -> s.stop(0));
    }
  }

  private static Map<String, Integer> count(OkHttpClient client, String user) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < CALLS; i++) {
      Request.Builder b = new Request.Builder().url("http://reviews:9080/reviews/" + i);
      if (user != null) {
        b.header("end-user", user);
      }
      try (Response r = client.newCall(b.build()).execute()) {
        counts.merge(r.body().string(), 1, Integer::sum);
      }
    }
    return counts;
  }

  private static Map<String, Integer> countJason(OkHttpClient client) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < 100; i++) {
      Request request = new Request.Builder().url("http://reviews:9080/reviews/" + i).header("end-user", "jason").build();
      try (Response r = client.newCall(request).execute()) {
        counts.merge(r.body().string(), 1, Integer::sum);
      }
    }
    return counts;
  }

  private static void printSplit(Map<String, Integer> counts) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    counts.forEach((backend, n) -> System.out.printf("  %-12s %5d  %5.1f%%%n", backend, n, 100.0 * n / total));
  }

  private static HttpServer backend(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] body = name.getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
        in.readAllBytes();
        exchange.sendResponseHeaders(200, body.length);
        out.write(body);
      }
    });
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return server;
  }

  private static String port(HttpServer server) {
    return Integer.toString(server.getAddress().getPort());
  }

  private static void replace(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = RoutingDemo.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void section(String title) {
    System.out.println();
    System.out.println("== " + title);
  }

  private RoutingDemo() {}
}
