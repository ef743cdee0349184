package io.meshlet.samples.springboot;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The routing demo as a Spring Boot application. It starts three local reviews backends (v1, v2,
 * v3), writes the Istio YAML naming them, and starts the product page with {@code
 * mesh.config.files} pointing at it. The page calls reviews through a {@code @MeshClient}; the
 * demo then calls the page a thousand times and prints the split, asks {@code /actuator/mesh/explain}
 * why one request went where it went, makes a bad edit and shows {@code /actuator/mesh}'s
 * rejection while routing goes on. With {@code --serve} the application keeps running afterwards.
 */
@SpringBootApplication
public class SpringBootDemo {
  private static final int CALLS = 1000;

  @RestController
  static class ProductPage {
    private final Reviews reviews;

    ProductPage(Reviews reviews) {
      this.reviews = reviews;
    }

    @GetMapping("/productpage")
    String page(@RequestParam(name = "id", defaultValue = "0") int id, @RequestParam(name = "user", required = false) String user) {
      return reviews.get(id, user);
    }
  }

  public static void main(String[] args) throws Exception {
    List<MockWebServer> backends = new ArrayList<>();
    for (String version : List.of("v1", "v2", "v3")) {
      backends.add(backend("reviews-" + version));
    }
    String template = resource("mesh.yaml")
        .replace("${V1_PORT}", Integer.toString(backends.get(0).getPort()))
        .replace("${V2_PORT}", Integer.toString(backends.get(1).getPort()))
        .replace("${V3_PORT}", Integer.toString(backends.get(2).getPort()));
    Path config = Files.createTempDirectory("meshlet-boot-demo").resolve("mesh.yaml");
    replace(config, template);

    List<String> arguments = new ArrayList<>(List.of(args));
    arguments.add("--mesh.config.files=" + config);
    ConfigurableApplicationContext app = SpringApplication.run(SpringBootDemo.class, arguments.toArray(String[]::new));
    String base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
    OkHttpClient http = new OkHttpClient();
    try {
      section(CALLS + " calls to " + base + "/productpage (VirtualService: 80% v1, 20% v3)");
      printSplit(count(http, base + "/productpage?id=", CALLS));

      section("100 calls with user=jason (VirtualService: all to v2)");
      printSplit(count(http, base + "/productpage?user=jason&id=", 100));

      section("GET " + base + "/actuator/mesh/explain?url=http://reviews:9080/reviews/0&header.end-user=jason");
      System.out.println(get(http, base + "/actuator/mesh/explain?url=http://reviews:9080/reviews/0&header.end-user=jason"));

      section("a bad edit: weight -5 and a misspelled field; GET " + base + "/actuator/mesh");
      replace(config, template.replace("weight: 80", "weight: -5").replace("exact: jason", "exactly: jason"));
      String mesh = get(http, base + "/actuator/mesh");
      for (long deadline = System.nanoTime() + 5_000_000_000L; !mesh.contains("\"lastRejection\":{") && System.nanoTime() < deadline; ) {
        Thread.sleep(50);
        mesh = get(http, base + "/actuator/mesh");
      }
      System.out.println(mesh);
      System.out.println("still routing:");
      printSplit(count(http, base + "/productpage?id=", CALLS));
    } finally {
      http.dispatcher().executorService().shutdown();
      if (!arguments.contains("--serve")) {
        app.close();
        for (MockWebServer b : backends) {
          b.close();
        }
      }
    }
  }

  private static Map<String, Integer> count(OkHttpClient http, String url, int calls) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < calls; i++) {
      counts.merge(get(http, url + i), 1, Integer::sum);
    }
    return counts;
  }

  private static String get(OkHttpClient http, String url) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.body().string();
    }
  }

  private static void printSplit(Map<String, Integer> counts) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    counts.forEach((backend, n) -> System.out.printf("  %-12s %5d  %5.1f%%%n", backend, n, 100.0 * n / total));
  }

  /** A stand-in reviews backend that answers every request with its name. */
  private static MockWebServer backend(String name) throws IOException {
    MockWebServer server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/plain").body(name).build();
      }
    });
    server.start(InetAddress.getLoopbackAddress(), 0);
    return server;
  }

  private static void replace(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".mesh", ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = SpringBootDemo.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void section(String title) {
    System.out.println();
    System.out.println("== " + title);
  }
}
