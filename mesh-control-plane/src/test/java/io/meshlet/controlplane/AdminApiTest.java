package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.meshlet.core.Mesh;
import io.meshlet.xds.XdsConfigSource;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API (the contract {@code meshctl} and the console read) against a running control
 * plane, with Meshlet's xDS client and raw ADS streams as its nodes, over real HTTP on loopback.
 */
class AdminApiTest {
  static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  static final String PRODUCTPAGE = "sidecar~10.0.0.9~productpage-v1-abc.default~default.svc.cluster.local";
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  Path config;
  MeshControlPlane cp;
  final HttpClient http = HttpClient.newHttpClient();
  final JsonMapper json = JsonMapper.builder().build();
  final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    config = Files.createDirectory(dir.resolve("config"));
    Files.writeString(config.resolve("bookinfo.yaml"), Bookinfo.yaml("v2"));
    cp = MeshControlPlane.builder().configDir(config).port(0).adminPort(0).pollInterval(Duration.ofMillis(50)).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    cp.close();
  }

  @Test
  void workloadsShowEachNodesIdentityWhatItWasServedAndThatItAcked() throws Exception {
    Mesh mesh = mesh(PRODUCTPAGE, Map.of("app", "productpage", "version", "v1"));
    JsonNode w = await().atMost(WAIT).until(() -> workload(PRODUCTPAGE),
        n -> n != null && "ACK".equals(n.path("resources").path("routes").path("state").asString()));
    assertThat(w.path("workload").asString()).isEqualTo("productpage-v1");
    assertThat(w.path("namespace").asString()).isEqualTo("default");
    assertThat(w.path("labels").path("app").asString()).isEqualTo("productpage");
    assertThat(w.path("labels").path("version").asString()).isEqualTo("v1");
    assertThat(w.path("locality").asString()).isEqualTo("us-east/a/1");
    assertThat(w.path("connected").asBoolean()).isTrue();
    JsonNode clusters = w.path("resources").path("clusters");
    assertThat(clusters.path("state").asString()).isEqualTo("ACK");
    assertThat(clusters.path("nack").isNull()).isTrue();
    assertThat(clusters.path("acked").asString()).isEqualTo(clusters.path("version").asString());
    assertThat(names(clusters)).contains("outbound|9080|v2|reviews.default.svc.cluster.local",
        "outbound|9080||ratings.default.svc.cluster.local");
    assertThat(get("/api/workloads").path("version").asString()).isEqualTo(Long.toString(cp.version()));

    // What /config/clusters shows is what was served, at the version the node ACKed.
    JsonNode served = get("/api/workloads/" + PRODUCTPAGE + "/config/clusters");
    assertThat(served.path("node").asString()).isEqualTo(PRODUCTPAGE);
    List<String> servedNames = new ArrayList<>();
    for (JsonNode r : served.path("resources")) {
      assertThat(r.path("typeUrl").asString()).isEqualTo(CDS);
      assertThat(r.path("version").asString()).isEqualTo(clusters.path("version").asString());
      assertThat(r.path("state").asString()).isEqualTo("ACK");
      assertThat(r.path("resource").path("name").asString()).isEqualTo(r.path("name").asString());
      servedNames.add(r.path("name").asString());
    }
    assertThat(servedNames).isEqualTo(names(clusters));

    mesh.close();
    await().atMost(WAIT).until(() -> !workload(PRODUCTPAGE).path("connected").asBoolean());
  }

  @Test
  void allKindsArePrintedAsProtobufJsonAndBadRequestsSayWhatIsExpected() throws Exception {
    mesh(PRODUCTPAGE, Map.of("app", "productpage"));
    await().atMost(WAIT).until(() -> workload(PRODUCTPAGE) != null
        && workload(PRODUCTPAGE).path("resources").path("listeners").path("state").asString().equals("ACK"));
    JsonNode all = get("/api/workloads/" + PRODUCTPAGE + "/config/all");
    List<String> types = new ArrayList<>();
    all.path("resources").forEach(r -> types.add(r.path("typeUrl").asString()));
    assertThat(types).contains(CDS, "type.googleapis.com/envoy.config.listener.v3.Listener",
        "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
        "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment");
    // The listener's HttpConnectionManager is packed in an Any: it is printed, with its type.
    JsonNode listener = get("/api/workloads/" + PRODUCTPAGE + "/config/listeners").path("resources").path(0).path("resource");
    assertThat(listener.path("apiListener").path("apiListener").path("@type").asString())
        .isEqualTo("type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager");
    JsonNode routes = get("/api/workloads/" + PRODUCTPAGE + "/config/routes").path("resources");
    assertThat(routes.toString()).contains("end-user").contains("jason");

    assertError("/api/workloads/" + PRODUCTPAGE + "/config/bogus", 400,
        "kind: 'bogus' (expected: one of listeners, routes, clusters, endpoints, secrets, all)");
    assertError("/api/workloads/nobody/config/clusters", 404,
        "node: 'nobody' (expected: the id of a node that connected, see /api/workloads)");
    assertError("/api/nothing", 404, "no such API: /api/nothing (expected: /api/config, /api/workloads, "
        + "/api/workloads/{node}/config/{kind}, /api/explain, /api/graph)");
    assertError("/api/graph?window=0", 400, "window: 0 (expected: seconds, 1..3600)");
    assertError("/api/graph?window=soon", 400, "window: 'soon' (expected: seconds, 1..3600)");
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/api/workloads"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(json.readTree(post.body()).path("error").asString()).isEqualTo("POST /api/workloads (expected: GET)");
  }

  @Test
  void aNackIsShownWithItsMessageUntilTheNodeAcksAVersion() throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", cp.port()).usePlaintext().build();
    closing.add(() -> channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS));
    try (RawAds ads = new RawAds(channel)) {
      ads.send(DiscoveryRequest.newBuilder().setNode(RawAds.node("nacker", "default", Map.of("app", "ratings"),
          Map.of(NodeStatuses.WORKLOAD_NAME, "ratings-v1"))).setTypeUrl(CDS).build());
      DiscoveryResponse clusters = ads.next();
      JsonNode pending = await().atMost(WAIT).until(() -> workload("nacker"), n -> n != null
          && n.path("resources").path("clusters").path("version").asString().equals(clusters.getVersionInfo()));
      assertThat(pending.path("resources").path("clusters").path("state").asString()).isEqualTo("PENDING");

      ads.send(RawAds.nack(clusters, "", "Cluster outbound|9080||x: bad"));
      DiscoveryResponse again = ads.next(); // java-control-plane resends the version at once
      JsonNode nacked = await().atMost(WAIT).until(() -> workload("nacker"),
          n -> n.path("resources").path("clusters").path("state").asString().equals("NACK"));
      assertThat(nacked.path("resources").path("clusters").path("nack").asString()).isEqualTo("Cluster outbound|9080||x: bad");
      assertThat(nacked.path("workload").asString()).isEqualTo("ratings-v1");
      assertThat(get("/api/config").path("nacks").asLong()).isEqualTo(1);

      ads.send(RawAds.ack(again));
      JsonNode acked = await().atMost(WAIT).until(() -> workload("nacker"),
          n -> n.path("resources").path("clusters").path("state").asString().equals("ACK"));
      assertThat(acked.path("resources").path("clusters").path("nack").isNull()).isTrue();
    }
  }

  @Test
  void explainAnswersForTheNodesWorkloadFromTheConfigInForce() throws Exception {
    mesh(PRODUCTPAGE, Map.of("app", "productpage"));
    await().atMost(WAIT).until(() -> workload(PRODUCTPAGE) != null);
    JsonNode jason = get("/api/explain?node=" + enc(PRODUCTPAGE) + "&url=" + enc("http://reviews:9080/reviews/1")
        + "&header.end-user=jason");
    assertThat(jason.path("node").asString()).isEqualTo(PRODUCTPAGE);
    assertThat(jason.path("explanation").path("cluster").asString()).isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");
    assertThat(jason.path("explanation").path("matchedRule").asInt()).isEqualTo(0);
    assertThat(jason.path("explanation").path("outcome").asString()).isEqualTo("FORWARD");
    assertThat(jason.path("text").asString()).contains("http[0] \"jason\": MATCHED");
    JsonNode other = get("/api/explain?node=" + enc(PRODUCTPAGE) + "&url=" + enc("http://reviews:9080/reviews/1")
        + "&method=POST");
    assertThat(other.path("explanation").path("matchedRule").asInt()).isEqualTo(2);
    assertThat(other.path("explanation").path("request").asString()).startsWith("POST ");

    // A new config is what explain answers from next.
    long version = cp.version();
    Files.writeString(config.resolve("bookinfo.yaml"), Bookinfo.yaml("v3"));
    await().atMost(WAIT).until(() -> cp.version() > version);
    assertThat(get("/api/explain?node=" + enc(PRODUCTPAGE) + "&url=" + enc("http://reviews:9080/")
        + "&header.end-user=jason").path("explanation").path("cluster").asString())
        .isEqualTo("outbound|9080|v3|reviews.default.svc.cluster.local");

    assertError("/api/explain?node=" + enc(PRODUCTPAGE), 400,
        "url: missing (expected: /api/explain?node=<id>&url=http://reviews:9080/&method=GET)");
    assertError("/api/explain?node=" + enc(PRODUCTPAGE) + "&url=reviews", 400,
        "url: reviews (expected: an absolute URL like http://reviews:9080/)");
    assertError("/api/explain?node=ghost&url=" + enc("http://reviews:9080/"), 404,
        "node: 'ghost' (expected: the id of a node that connected, see /api/workloads)");
  }

  @Test
  void configShowsTheVersionTheSourcesAndTheLastRejection() throws Exception {
    JsonNode ok = get("/api/config");
    assertThat(ok.path("version").asString()).isEqualTo("1");
    assertThat(ok.path("sources").path(0).asString()).isEqualTo("file:" + config);
    assertThat(ok.path("lastRejection").isNull()).isTrue();
    assertThat(ok.path("nacks").asLong()).isZero();

    Files.writeString(config.resolve("bad.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: bad, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews}
              weight: -5
        """);
    JsonNode rejected = await().atMost(WAIT).until(() -> get("/api/config"), n -> !n.path("lastRejection").isNull());
    assertThat(rejected.path("lastRejection").asString()).contains("http[0].route[0].weight");
    assertThat(rejected.path("version").asString()).isEqualTo("1");
  }

  @Test
  void theConsoleIsServedFromTheJar() throws Exception {
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.body()).contains("<title>Meshlet console</title>").contains("console.js");
    for (String asset : ConsoleAssets.FILES.keySet()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/" + asset)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(asset).isEqualTo(200);
      // Nothing is fetched from elsewhere (no CDN): no absolute URL in a src, href, url() or fetch().
      assertThat(r.body()).as(asset).isNotEmpty()
          .doesNotContainPattern("(src|href)\\s*=\\s*[\"']?(https?:)?//")
          .doesNotContainPattern("url\\(\\s*[\"']?(https?:)?//")
          .doesNotContainPattern("(fetch|import)\\s*\\(\\s*[\"'`](https?:)?//");
    }
    HttpResponse<String> missing = http.send(HttpRequest.newBuilder(uri("/../pom.xml")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private Mesh mesh(String nodeId, Map<String, String> labels) {
    XdsConfigSource source = XdsConfigSource.builder().target("127.0.0.1:" + cp.port()).nodeId(nodeId)
        .namespace("default").labels(labels).locality("us-east/a/1")
        .metadata(Map.of(NodeStatuses.WORKLOAD_NAME, "productpage-v1")).build();
    Mesh mesh = Mesh.builder().workload("productpage-v1").namespace("default").labels(labels).configSource(source)
        .startupTimeout(WAIT).build();
    closing.add(mesh);
    return mesh;
  }

  private JsonNode workload(String node) throws Exception {
    for (JsonNode w : get("/api/workloads").path("workloads")) {
      if (w.path("node").asString().equals(node)) {
        return w;
      }
    }
    return null;
  }

  private static List<String> names(JsonNode resource) {
    List<String> out = new ArrayList<>();
    resource.path("names").forEach(n -> out.add(n.asString()));
    return out;
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + cp.adminPort() + path);
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    return json.readTree(r.body());
  }

  private void assertError(String path, int status, String error) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(status);
    assertThat(json.readTree(r.body()).path("error").asString()).isEqualTo(error);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
