package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.meshlet.core.Mesh;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.resilience.ManualTime;
import io.meshlet.core.routing.Cluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DestinationRule {@code localityLbSetting} over real servers on loopback: a caller in us-east/a,
 * endpoints in several localities, ejections driven by outlier detection (5xx answers, a manual
 * clock that never lets an ejection end), a seeded random source.
 */
class LocalityLoadBalancingTest {
  private static final String CLUSTER = "outbound|8080||catalog.default.svc.cluster.local";
  /** Ejects on the first 5xx, for an hour, any share of the cluster. */
  private static final String OUTLIER =
      "outlierDetection: {consecutive5xxErrors: 1, interval: 1h, baseEjectionTime: 1h, maxEjectionPercent: 100}";

  @TempDir Path dir;
  final List<Backend> backends = new ArrayList<>();
  final ManualTime time = new ManualTime();

  @AfterEach
  void stop() {
    backends.forEach(Backend::close);
  }

  @Test
  void allTrafficStaysInTheCallersZoneWhileItIsHealthy() throws IOException {
    try (Mesh mesh = mesh(eastWest(), "loadBalancer: {simple: ROUND_ROBIN}\n    " + OUTLIER)) {
      Map<String, Integer> counts = spread(client(mesh), 200);
      assertThat(counts).containsOnlyKeys("b0", "b1", "b2", "b3");
      Explanation e = mesh.explain("http://catalog:8080/", Map.of());
      assertThat(e.policies()).contains("locality: failover by locality (subzone, zone, region) from us-east/a: "
          + "priority 0 (us-east/a) 4/4 healthy, 100 % → all traffic; "
          + "priority 1 (us-east/b) 2/2 healthy, 100 % → 0 % of traffic; "
          + "priority 2 (us-west/c) 2/2 healthy, 100 % → 0 % of traffic; took priority 0 (us-east/a)");
    }
  }

  @Test
  void trafficSpillsOverOnlyAsTheHealthyShareDrops() throws IOException {
    try (Mesh mesh = mesh(eastWest(), "loadBalancer: {simple: RANDOM}\n    " + OUTLIER)) {
      OkHttpClient client = client(mesh);
      Cluster cluster = mesh.routeTable().cluster(CLUSTER);
      eject(client, cluster, 0);
      // 3 of 4 healthy: 140 % × 3/4 = 105 %, capped at 100: the zone still takes everything.
      assertThat(cluster.priorityLoads()).containsExactly(100, 0, 0);
      assertThat(spread(client, 300)).containsOnlyKeys("b1", "b2", "b3");

      eject(client, cluster, 1);
      // 2 of 4: 70 % stays, 30 % spills to the next priority (us-east/b), none to us-west.
      assertThat(cluster.priorityLoads()).containsExactly(70, 30, 0);
      Map<String, Integer> counts = spread(client, 1000);
      assertThat(counts).containsOnlyKeys("b2", "b3", "b4", "b5");
      assertThat((counts.get("b2") + counts.get("b3")) / 1000.0).isCloseTo(0.70, within(0.05));
      assertThat(mesh.explain("http://catalog:8080/", Map.of()).policies()).anySatisfy(p -> assertThat(p)
          .contains("priority 0 (us-east/a) 2/4 healthy, 70 % → 70 % of traffic; priority 1 (us-east/b) 2/2 healthy, 100 % → 30 % of traffic"));

      eject(client, cluster, 2);
      eject(client, cluster, 3);
      eject(client, cluster, 4);
      // us-east/a gone, us-east/b at 1 of 2 (70 %), us-west/c takes the other 30 %.
      assertThat(cluster.priorityLoads()).containsExactly(0, 70, 30);
      counts = spread(client, 1000);
      assertThat(counts).containsOnlyKeys("b5", "b6", "b7");
      assertThat(counts.get("b5") / 1000.0).isCloseTo(0.70, within(0.05));
    }
  }

  @Test
  void failoverPriorityOrdersEndpointsByTheLeadingLabelsTheyShareWithTheCaller() throws IOException {
    List<String> eps = List.of(
        "locality: us-east/a, labels: {version: v2}",
        "locality: us-east/b, labels: {version: v1}",
        "locality: us-east/a, labels: {version: v1}");
    String policy = """
        loadBalancer:
              simple: ROUND_ROBIN
              localityLbSetting: {failoverPriority: [version, topology.kubernetes.io/zone]}
            %s""".formatted(OUTLIER);
    try (Mesh mesh = mesh(eps, policy)) {
      OkHttpClient client = client(mesh);
      Cluster cluster = mesh.routeTable().cluster(CLUSTER);
      assertThat(spread(client, 20)).containsOnlyKeys("b2");
      eject(client, cluster, 2);
      assertThat(spread(client, 20)).as("same version, other zone next").containsOnlyKeys("b1");
      eject(client, cluster, 1);
      assertThat(spread(client, 20)).as("other version last").containsOnlyKeys("b0");
    }
  }

  @Test
  void failoverSendsAnotherRegionsTrafficToTheNamedRegionFirst() throws IOException {
    List<String> eps = List.of("locality: us-west/x", "locality: eu/y", "locality: us-east/b");
    String policy = """
        loadBalancer:
              localityLbSetting: {failover: [{from: us-east, to: eu}]}
            %s""".formatted(OUTLIER);
    try (Mesh mesh = mesh(eps, policy)) {
      OkHttpClient client = client(mesh);
      Cluster cluster = mesh.routeTable().cluster(CLUSTER);
      assertThat(spread(client, 10)).containsOnlyKeys("b2");
      eject(client, cluster, 2);
      assertThat(spread(client, 10)).as("the failover region before other regions").containsOnlyKeys("b1");
      eject(client, cluster, 1);
      assertThat(spread(client, 10)).containsOnlyKeys("b0");
    }
  }

  @Test
  void distributeWeightsLocalitiesAndDropsTheOthers() throws IOException {
    List<String> eps = List.of("locality: us-east/a", "locality: us-east/a", "locality: us-west/c", "locality: eu/z");
    String policy = """
        loadBalancer:
              simple: RANDOM
              localityLbSetting:
                distribute:
                - {from: us-east/a/*, to: {"us-east/a/*": 80, "us-west/*": 20}}""";
    try (Mesh mesh = mesh(eps, policy)) {
      Map<String, Integer> counts = spread(client(mesh), 1000);
      assertThat(counts).containsOnlyKeys("b0", "b1", "b2");
      assertThat(counts.get("b2") / 1000.0).isCloseTo(0.20, within(0.04));
      assertThat(mesh.explain("http://catalog:8080/", Map.of()).policies()).anySatisfy(p -> assertThat(p)
          .startsWith("locality: distribute from us-east/a/*: us-east/a/* 80 %, us-west/* 20 %: priority 0 (us-east/a weight 80, us-west/c weight 20)"));
    }
  }

  @Test
  void withoutOutlierDetectionOrWhenDisabledLocalitiesAreIgnored() throws IOException {
    try (Mesh mesh = mesh(eastWest(), "loadBalancer: {simple: ROUND_ROBIN}")) {
      assertThat(spread(client(mesh), 80)).hasSize(8);
      assertThat(mesh.routeTable().cluster(CLUSTER).localityPlan()).isEqualTo("no locality failover: it needs outlierDetection");
    }
    try (Mesh mesh = mesh(eastWest(), "loadBalancer: {simple: ROUND_ROBIN, localityLbSetting: {enabled: false}}\n    " + OUTLIER)) {
      assertThat(spread(client(mesh), 80)).hasSize(8);
    }
  }

  /** b0..b3 in us-east/a (the caller's zone), b4, b5 in us-east/b, b6, b7 in us-west/c. */
  private static List<String> eastWest() {
    List<String> eps = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      eps.add("locality: " + (i < 4 ? "us-east/a" : i < 6 ? "us-east/b" : "us-west/c"));
    }
    return eps;
  }

  /** Makes backend {@code i} fail until outlier detection ejects it, then answer again (it stays ejected). */
  private void eject(OkHttpClient client, Cluster cluster, int i) throws IOException {
    Backend b = backends.get(i);
    b.respond(500);
    for (int n = 0; n < 2000 && cluster.ejected().stream().noneMatch(e -> e.port() == b.port()); n++) {
      call(client);
    }
    b.behave(Backend.Behavior.OK);
    assertThat(cluster.ejected()).anySatisfy(e -> assertThat(e.port()).isEqualTo(b.port()));
  }

  private Map<String, Integer> spread(OkHttpClient client, int n) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(call(client), 1, Integer::sum);
    }
    return counts;
  }

  private Mesh mesh(List<String> endpoints, String trafficPolicy) throws IOException {
    StringBuilder eps = new StringBuilder();
    for (int i = 0; i < endpoints.size(); i++) {
      Backend b = new Backend("b" + i);
      backends.add(b);
      eps.append("    - {address: 127.0.0.1, ports: {http: ").append(b.port()).append("}, ").append(endpoints.get(i)).append("}\n");
    }
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: catalog}
        spec:
          hosts: [catalog]
          resolution: STATIC
          ports: [{number: 8080, name: http, protocol: HTTP}]
          endpoints:
        %s---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: catalog}
        spec:
          hosts: [catalog]
          http:
          - route: [{destination: {host: catalog}}]
            retries: {attempts: 0}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: catalog}
        spec:
          host: catalog
          trafficPolicy:
            %s
        """.formatted(eps, trafficPolicy);
    Path file = dir.resolve("mesh-" + backends.size() + ".yaml");
    Files.writeString(file, yaml);
    return Mesh.builder().workload("frontend").labels(Map.of("version", "v1")).locality("us-east/a")
        .configFile(file).time(time).random(new Random(7)).sourceAddress("10.1.2.3").build();
  }

  private static OkHttpClient client(Mesh mesh) {
    return LoadBalancingTest.client(mesh);
  }

  private static String call(OkHttpClient client) throws IOException {
    return LoadBalancingTest.call(client, "http://catalog:8080/", Map.of());
  }
}
