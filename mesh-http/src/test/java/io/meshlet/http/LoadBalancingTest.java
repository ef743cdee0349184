package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.meshlet.core.Mesh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every load-balancing policy of DestinationRule, over real servers on loopback. */
class LoadBalancingTest {
  @TempDir Path dir;
  final List<Backend> backends = new ArrayList<>();

  @BeforeEach
  void start() {
    for (int i = 0; i < 4; i++) {
      backends.add(new Backend("b" + i));
    }
  }

  @AfterEach
  void stop() {
    backends.forEach(Backend::close);
  }

  @Test
  void roundRobinCyclesThroughEveryEndpointInOrder() throws IOException {
    try (Mesh mesh = mesh(3, "loadBalancer: {simple: ROUND_ROBIN}")) {
      OkHttpClient client = client(mesh);
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        seen.add(call(client, "http://catalog:8080/", Map.of()));
      }
      assertThat(seen.subList(0, 3)).containsExactlyInAnyOrder("b0", "b1", "b2");
      assertThat(seen.subList(3, 6)).isEqualTo(seen.subList(0, 3));
      assertThat(seen.subList(6, 9)).isEqualTo(seen.subList(0, 3));
    }
  }

  @Test
  void randomSpreadsEvenly() throws IOException {
    try (Mesh mesh = mesh(3, "loadBalancer: {simple: RANDOM}")) {
      Map<String, Integer> counts = spread(client(mesh), 900);
      for (String b : List.of("b0", "b1", "b2")) {
        assertThat(counts.get(b) / 900.0).as(b).isCloseTo(1 / 3.0, within(0.07));
      }
    }
  }

  @Test
  void leastRequestIsTheDefaultAndUsesEveryEndpoint() throws IOException {
    try (Mesh mesh = mesh(3, "")) {
      assertThat(mesh.routeTable().cluster("outbound|8080||catalog.default.svc.cluster.local").policy()).isEqualTo("LEAST_REQUEST");
      Map<String, Integer> counts = spread(client(mesh), 300);
      assertThat(counts).containsOnlyKeys("b0", "b1", "b2");
    }
  }

  @Test
  void consistentHashKeepsAKeyOnOneEndpointAndMovesFewKeysWhenOneIsAdded() throws Exception {
    String policy = "loadBalancer: {consistentHash: {httpHeaderName: x-user}}";
    Map<String, String> before = new HashMap<>();
    try (Mesh mesh = mesh(3, policy)) {
      OkHttpClient client = client(mesh);
      for (int u = 0; u < 200; u++) {
        String user = "user-" + u;
        String first = call(client, "http://catalog:8080/", Map.of("x-user", user));
        for (int again = 0; again < 3; again++) {
          assertThat(call(client, "http://catalog:8080/", Map.of("x-user", user))).isEqualTo(first);
        }
        before.put(user, first);
      }
      assertThat(new HashSet<>(before.values())).containsExactlyInAnyOrder("b0", "b1", "b2");
    }
    try (Mesh mesh = mesh(4, policy)) {
      OkHttpClient client = client(mesh);
      int moved = 0;
      for (Map.Entry<String, String> e : before.entrySet()) {
        String now = call(client, "http://catalog:8080/", Map.of("x-user", e.getKey()));
        if (!now.equals(e.getValue())) {
          moved++;
          assertThat(now).as("a key that moves, moves to the new endpoint").isEqualTo("b3");
        }
      }
      assertThat(moved / 200.0).isBetween(0.12, 0.38); // ideally 1/4
    }
  }

  @Test
  void consistentHashOnCookieAndQueryParameter() throws IOException {
    try (Mesh mesh = mesh(3, "loadBalancer: {consistentHash: {httpCookie: {name: session, ttl: 0s}}}")) {
      OkHttpClient client = client(mesh);
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        seen.add(call(client, "http://catalog:8080/", Map.of("Cookie", "theme=dark; session=abc123")));
      }
      assertThat(seen).hasSize(1);
    }
    try (Mesh mesh = mesh(3, "loadBalancer: {consistentHash: {httpQueryParameterName: cart}}")) {
      OkHttpClient client = client(mesh);
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        seen.add(call(client, "http://catalog:8080/?cart=42&x=" + i, Map.of()));
      }
      assertThat(seen).hasSize(1);
    }
  }

  @Test
  void subsetAndPortLevelPoliciesOverrideTheHostPolicy() throws IOException {
    String policy = """
        loadBalancer: {simple: RANDOM}
            portLevelSettings:
            - port: {number: 8080}
              loadBalancer: {simple: ROUND_ROBIN}
          subsets:
          - name: hashed
            labels: {tier: web}
            trafficPolicy:
              loadBalancer: {consistentHash: {useSourceIp: true}}""";
    try (Mesh mesh = mesh(3, policy)) {
      assertThat(mesh.routeTable().cluster("outbound|8080||catalog.default.svc.cluster.local").policy()).isEqualTo("ROUND_ROBIN");
      assertThat(mesh.routeTable().cluster("outbound|8080|hashed|catalog.default.svc.cluster.local").policy()).isEqualTo("RING_HASH");
    }
  }

  private Map<String, Integer> spread(OkHttpClient client, int n) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(call(client, "http://catalog:8080/", Map.of()), 1, Integer::sum);
    }
    return counts;
  }

  private Mesh mesh(int endpoints, String trafficPolicy) throws IOException {
    StringBuilder eps = new StringBuilder();
    for (int i = 0; i < endpoints; i++) {
      eps.append("    - {address: 127.0.0.1, ports: {http: ").append(backends.get(i).port()).append("}, labels: {tier: web}}\n");
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
        kind: DestinationRule
        metadata: {name: catalog}
        spec:
          host: catalog
          trafficPolicy:
            %s
        """.formatted(eps, trafficPolicy.isEmpty() ? "{}" : trafficPolicy);
    if (!trafficPolicy.contains("subsets:")) {
      yaml = yaml.replace("  trafficPolicy:\n    {}\n", "");
    }
    Path file = dir.resolve("mesh-" + endpoints + ".yaml");
    Files.writeString(file, yaml);
    return Mesh.builder().workload("frontend").configFile(file).random(new Random(3)).sourceAddress("10.1.2.3").build();
  }

  static OkHttpClient client(Mesh mesh) {
    return new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
  }

  static String call(OkHttpClient client, String url, Map<String, String> headers) throws IOException {
    Request.Builder b = new Request.Builder().url(url);
    headers.forEach(b::header);
    try (Response r = client.newCall(b.build()).execute()) {
      return r.body().string();
    }
  }
}
