package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.Mesh;
import io.meshlet.core.explain.Explanation;
import io.meshlet.xds.XdsConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real MeshControlPlane serving Bookinfo YAML, read back by a real XdsConfigSource: the Mesh it
 * feeds routes as a Mesh built from the same YAML file does.
 */
class RoundTripTest {
  @TempDir Path dir;
  Path configDir;
  MeshControlPlane cp;
  final List<Mesh> meshes = new java.util.ArrayList<>();

  /** url and headers of each request both meshes must route alike. */
  record Req(String url, Map<String, String> headers) {}

  static final List<Req> REQUESTS = List.of(
      new Req("http://reviews:9080/reviews/1", Map.of("end-user", "jason")),
      new Req("http://reviews:9080/reviews/1", Map.of()),
      new Req("http://reviews.default.svc.cluster.local:9080/", Map.of("end-user", "mike")),
      new Req("http://reviews.default:9080/reviews/2", Map.of("end-user", "jason")),
      new Req("http://reviews.default.svc:9080/x", Map.of("user-agent", "Foo Mobile Safari")),
      new Req("http://ratings:9080/ratings/v2/1", Map.of("x-user", "u1")),
      new Req("http://ratings:9080/ratings/1", Map.of()),
      new Req("http://ratings:9080/ratings/1", Map.of("origin", "https://a.dev.example")),
      new Req("http://ratings:9080/ratings/1?debug=true", Map.of()),
      new Req("http://ratings:9080/health", Map.of()),
      new Req("http://ratings:9080/old/page", Map.of()),
      new Req("http://ratings:9080/anything", Map.of("x-fault", "abort")),
      new Req("http://ratings.default.svc.cluster.local:9080/ratings/v2", Map.of()),
      new Req("http://details:9080/details/1", Map.of()),
      new Req("http://details.default.svc.cluster.local:9080/", Map.of()),
      new Req("http://nobody:9080/", Map.of()));

  @BeforeEach
  void start() throws Exception {
    configDir = Files.createDirectory(dir.resolve("config"));
    write(Bookinfo.yaml("v2"));
    cp = MeshControlPlane.builder().configDir(configDir).port(0).pollInterval(Duration.ofMillis(50)).build().start();
  }

  @AfterEach
  void stop() {
    meshes.forEach(Mesh::close);
    cp.close();
  }

  @Test
  void theServedConfigRoutesAsTheYamlDoes() throws Exception {
    Mesh fromYaml = yamlMesh("default");
    Mesh fromXds = xdsMesh("default", Map.of("app", "productpage"));
    for (Req r : REQUESTS) {
      assertThat(outcomes(fromXds, r)).as("%s %s", r.url(), r.headers()).isEqualTo(outcomes(fromYaml, r));
      assertThat(policies(fromXds, r)).as("policies of %s %s", r.url(), r.headers()).isEqualTo(policies(fromYaml, r));
    }
    // Mirrors and the CORS policy are served, and read back.
    assertThat(policies(fromXds, REQUESTS.get(7)))
        .contains("mirror 25.0% to outbound|9080|v2|ratings.default.svc.cluster.local, Host ratings-shadow:9080")
        .contains("origin 'https://a.dev.example' allowed");
    // And the split is really one: both subsets are reached.
    assertThat(outcomes(fromXds, REQUESTS.get(1))).hasSize(2);
    assertThat(outcomes(fromXds, REQUESTS.get(0))).containsExactly("FORWARD outbound|9080|v2|reviews.default.svc.cluster.local 10.0.0.2:9080");
    assertThat(outcomes(fromXds, REQUESTS.get(5))).containsExactly("FORWARD outbound|9080|v2|ratings.default.svc.cluster.local 10.0.1.2:9999");
  }

  @Test
  void aDeltaClientRoutesAsTheYamlDoes() throws Exception {
    Mesh fromYaml = yamlMesh("default");
    Mesh fromDelta = xdsMesh("default", Map.of("app", "productpage"), true);
    for (Req r : REQUESTS) {
      assertThat(outcomes(fromDelta, r)).as("%s %s", r.url(), r.headers()).isEqualTo(outcomes(fromYaml, r));
    }
  }

  @Test
  void aBadEditIsRejectedAndTheOldRoutingStaysUntilAGoodEditArrives() throws Exception {
    Mesh fromXds = xdsMesh("default", Map.of());
    Req jason = REQUESTS.get(0);
    long version = cp.version();
    assertThat(endpoint(fromXds, jason)).isEqualTo("10.0.0.2:9080");

    write(Bookinfo.yaml("v2").replace("weight: 80", "weight: -5"));
    await().atMost(Duration.ofSeconds(5)).until(() -> cp.lastRejection().isPresent());
    assertThat(cp.lastRejection().orElseThrow()).contains("http[2].route[0].weight");
    assertThat(cp.version()).isEqualTo(version);
    assertThat(endpoint(fromXds, jason)).isEqualTo("10.0.0.2:9080");

    // How fast a push is applied is measured by perf/ (XdsPushLatency), not by a wall clock here.
    write(Bookinfo.yaml("v3"));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> "10.0.0.3:9080".equals(endpoint(fromXds, jason)));
    assertThat(cp.version()).isGreaterThan(version);
  }

  @Test
  void exportToDotHidesAVirtualServiceFromAnotherNamespace() throws Exception {
    write(Bookinfo.yaml("v2").replace("""
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
        """, """
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          exportTo: ["."]
        """));
    await().atMost(Duration.ofSeconds(5)).until(() -> cp.version() >= 2);
    Mesh inDefault = xdsMesh("default", Map.of());
    Mesh inOther = xdsMesh("other", Map.of());
    Req jason = new Req("http://reviews.default:9080/reviews/1", Map.of("end-user", "jason"));

    assertThat(outcomes(inDefault, jason)).containsExactly("FORWARD outbound|9080|v2|reviews.default.svc.cluster.local 10.0.0.2:9080");
    // In "other", no VirtualService: the default route to the whole service, as from the YAML there.
    assertThat(outcomes(inOther, jason)).allMatch(o -> o.startsWith("FORWARD outbound|9080||reviews.default.svc.cluster.local "));
    assertThat(outcomes(inOther, jason)).isEqualTo(outcomes(yamlMesh("other"), jason));
  }

  /**
   * localityLbSetting: the YAML mesh computes priorities and locality weights for its own locality,
   * the control plane computes them for the node's (the same LocalityPlan) and the xDS mesh uses
   * them as sent; both reach the same endpoints, with the same priority levels.
   */
  @Test
  void localityPrioritiesAndWeightsRouteAsTheYamlDoes() throws Exception {
    String yaml = SnapshotBuilderTest.PAY_BY_LOCALITY;
    String cluster = "outbound|8080||pay.default.svc.cluster.local";
    for (String setting : List.of("{failover: [{from: us-east, to: eu}]}", "{failoverPriority: [version]}",
        "{distribute: [{from: us-east/a, to: {\"us-east/*\": 70, \"eu/*\": 30}}]}")) {
      write(yaml.formatted(setting));
      Mesh fromYaml = Mesh.builder().workload("productpage").namespace("default").locality("us-east/a")
          .configFile(configDir.resolve("bookinfo.yaml")).random(new Random(7)).build();
      meshes.add(fromYaml);
      Mesh fromXds = xdsMesh("default", Map.of(), false, "us-east/a");
      Req r = new Req("http://pay:8080/", Map.of());
      // The control plane may still serve the previous setting for a moment: wait for this one.
      await().atMost(Duration.ofSeconds(20)).until(() -> fromXds.routeTable().cluster(cluster) != null
          && outcomes(fromXds, r).equals(outcomes(fromYaml, r)));
      assertThat(outcomes(fromXds, r)).as(setting).isEqualTo(outcomes(fromYaml, r));
      for (String c : List.of(cluster, "outbound|8080|v2|pay.default.svc.cluster.local")) {
        assertThat(fromXds.routeTable().cluster(c).priorityLoads()).as(setting + " " + c)
            .containsExactly(fromYaml.routeTable().cluster(c).priorityLoads());
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void write(String yaml) throws Exception {
    Path tmp = dir.resolve("bookinfo.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, configDir.resolve("bookinfo.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Mesh yamlMesh(String namespace) {
    Mesh m = Mesh.builder().workload("productpage").namespace(namespace).configFile(configDir.resolve("bookinfo.yaml"))
        .random(new Random(7)).build();
    meshes.add(m);
    return m;
  }

  private Mesh xdsMesh(String namespace, Map<String, String> labels) {
    return xdsMesh(namespace, labels, false);
  }

  private Mesh xdsMesh(String namespace, Map<String, String> labels, boolean delta) {
    return xdsMesh(namespace, labels, delta, "");
  }

  private Mesh xdsMesh(String namespace, Map<String, String> labels, boolean delta, String locality) {
    XdsConfigSource source = XdsConfigSource.builder().target("127.0.0.1:" + cp.port())
        .nodeId("sidecar~10.0.0.9~productpage-v1." + namespace + "~" + namespace + ".svc.cluster.local")
        .namespace(namespace).labels(labels).delta(delta).locality(locality).build();
    Mesh m = Mesh.builder().workload("productpage").namespace(namespace).labels(labels).configSource(source)
        .random(new Random(7)).startupTimeout(Duration.ofSeconds(20)).build();
    meshes.add(m);
    return m;
  }

  /** Every outcome, cluster and endpoint 40 tries of {@code r} give (a weighted split gives more than one). */
  private static Set<String> outcomes(Mesh mesh, Req r) {
    Set<String> seen = new TreeSet<>();
    for (int i = 0; i < 40; i++) {
      Explanation e = mesh.explain(r.url(), r.headers());
      seen.add(e.outcome() + " " + e.cluster() + " " + e.endpoint());
    }
    return seen;
  }

  /** What else explain says is applied: rewrites, header operations, timeout, retries, fault, load balancer. */
  private static String policies(Mesh mesh, Req r) {
    Explanation e = mesh.explain(r.url(), r.headers());
    return e.actions() + " " + e.policies() + " " + e.loadBalancer();
  }

  private static String endpoint(Mesh mesh, Req r) {
    return String.valueOf(mesh.explain(r.url(), r.headers()).endpoint());
  }
}
