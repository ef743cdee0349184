package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.meshlet.core.Mesh;
import io.meshlet.core.explain.Explanation;
import io.meshlet.xds.XdsConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delegation served as istiod serves it: the root's delegating rules are replaced by the delegates' merged rules in
 * the RouteConfiguration, and a Meshlet fed over ADS by this server routes as one reading the YAML does.
 */
class DelegationServingTest {
  @TempDir Path dir;
  Path configDir;
  MeshControlPlane cp;
  final List<Mesh> meshes = new ArrayList<>();

  static final String ROOT = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        location: MESH_INTERNAL
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}]
        endpoints:
        - {address: 10.0.0.1, labels: {version: v1}}
        - {address: 10.0.0.2, labels: {version: v2}}
        - {address: 10.0.0.3, labels: {version: v3}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: default}
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
        - {name: v3, labels: {version: v3}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - name: jason
          match: [{headers: {end-user: {exact: jason}}}]
          timeout: 2s
          delegate: {name: reviews-jason, namespace: team-a}
        - name: api
          match: [{uri: {prefix: /api}}]
          delegate: {name: reviews-api, namespace: team-b}
        - match: [{uri: {prefix: /gone}}]
          delegate: {name: nowhere}
        - name: rest
          route: [{destination: {host: reviews, subset: v1}}]
      """;

  static final String TEAM_A = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews-jason, namespace: team-a}
      spec:
        exportTo: [default]
        http:
        - name: login
          match: [{uri: {exact: /login}}]
          route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]
        - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v3}}]
      """;

  static final String TEAM_B = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews-api, namespace: team-b}
      spec:
        http:
        - name: v2
          match: [{uri: {prefix: /api/v2}}]
          route: [{destination: {host: reviews.default.svc.cluster.local, subset: %s}}]
        - match: [{uri: {prefix: /other}}]
          route: [{destination: {host: reviews.default.svc.cluster.local, subset: v3}}]
      """;

  static final List<RoundTripTest.Req> REQUESTS = List.of(
      new RoundTripTest.Req("http://reviews:9080/login", Map.of("end-user", "jason")),
      new RoundTripTest.Req("http://reviews:9080/x", Map.of("end-user", "jason")),
      new RoundTripTest.Req("http://reviews:9080/login", Map.of()),
      new RoundTripTest.Req("http://reviews:9080/api/v2/1", Map.of()),
      new RoundTripTest.Req("http://reviews:9080/api/v1/1", Map.of()),
      new RoundTripTest.Req("http://reviews:9080/other/1", Map.of()),
      new RoundTripTest.Req("http://reviews:9080/gone/1", Map.of()));

  @BeforeEach
  void start() throws Exception {
    configDir = Files.createDirectory(dir.resolve("config"));
    write("root.yaml", ROOT);
    write("team-a.yaml", TEAM_A);
    write("team-b.yaml", TEAM_B.formatted("v2"));
    cp = MeshControlPlane.builder().configDir(configDir).port(0).pollInterval(Duration.ofMillis(50)).build().start();
  }

  @AfterEach
  void stop() {
    meshes.forEach(Mesh::close);
    cp.close();
  }

  @Test
  void theRouteConfigurationHoldsTheMergedRulesInIstiosOrder() throws Exception {
    SnapshotBuilder.Resources r = SnapshotBuilder.build(SnapshotBuilderTest.parse(ROOT + "---\n" + TEAM_A + "---\n"
        + TEAM_B.formatted("v2")), new NodeKey("default", Map.of()));
    RouteConfiguration reviews = r.routes().stream().filter(c -> c.getName().startsWith("reviews.default")).findFirst()
        .orElseThrow();
    List<Route> routes = reviews.getVirtualHosts(0).getRoutesList();
    // team-b's /other does not lie under /api: Istio drops it, as it drops the missing delegate's rule
    assertThat(routes).extracting(Route::getName).containsExactly("jason-login", "jason", "api-v2", "rest");
    Route login = routes.get(0);
    assertThat(login.getMatch().getPath()).isEqualTo("/login");
    assertThat(login.getMatch().getHeaders(0).getName()).isEqualTo("end-user");
    assertThat(login.getRoute().getCluster()).isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");
    assertThat(login.getRoute().getTimeout().getSeconds()).as("the root rule's timeout, inherited").isEqualTo(2);
    assertThat(routes.get(2).getMatch().getPrefix()).isEqualTo("/api/v2");
  }

  @Test
  void anAdsClientRoutesAsTheYamlDoesAndADelegateEditAloneIsServed() throws Exception {
    Mesh fromYaml = Mesh.builder().workload("productpage").namespace("default").configFile(configDir)
        .random(new Random(7)).build();
    meshes.add(fromYaml);
    Mesh fromXds = xdsMesh();
    for (RoundTripTest.Req r : REQUESTS) {
      assertThat(outcome(fromXds, r)).as("%s %s", r.url(), r.headers()).isEqualTo(outcome(fromYaml, r));
      assertThat(policies(fromXds, r)).as("policies of %s %s", r.url(), r.headers()).isEqualTo(policies(fromYaml, r));
    }
    assertThat(outcome(fromXds, REQUESTS.get(0))).isEqualTo("FORWARD 10.0.0.2:9080");
    assertThat(outcome(fromXds, REQUESTS.get(1))).isEqualTo("FORWARD 10.0.0.3:9080");
    assertThat(outcome(fromXds, REQUESTS.get(3))).isEqualTo("FORWARD 10.0.0.2:9080");
    assertThat(outcome(fromXds, REQUESTS.get(5))).isEqualTo("FORWARD 10.0.0.1:9080");

    long version = cp.version();
    write("team-b.yaml", TEAM_B.formatted("v3"));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> outcome(fromXds, REQUESTS.get(3)).equals("FORWARD 10.0.0.3:9080"));
    assertThat(cp.version()).isGreaterThan(version);
    assertThat(outcome(fromXds, REQUESTS.get(0))).isEqualTo("FORWARD 10.0.0.2:9080");
  }

  private void write(String name, String yaml) throws Exception {
    Path tmp = dir.resolve(name + ".tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, configDir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Mesh xdsMesh() {
    XdsConfigSource source = XdsConfigSource.builder().target("127.0.0.1:" + cp.port())
        .nodeId("sidecar~10.0.0.9~productpage-v1.default~default.svc.cluster.local")
        .namespace("default").labels(Map.of()).build();
    Mesh m = Mesh.builder().workload("productpage").namespace("default").configSource(source)
        .random(new Random(7)).startupTimeout(Duration.ofSeconds(20)).build();
    meshes.add(m);
    return m;
  }

  private static String outcome(Mesh mesh, RoundTripTest.Req r) {
    Explanation e = mesh.explain(r.url(), r.headers());
    return e.outcome() + " " + e.endpoint();
  }

  private static String policies(Mesh mesh, RoundTripTest.Req r) {
    Explanation e = mesh.explain(r.url(), r.headers());
    return e.actions() + " " + e.policies() + " " + e.cluster();
  }
}
