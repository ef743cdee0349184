package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delegation end to end over HTTP: a root VirtualService in one file hands two of its rules to delegates in two other
 * namespaces and files; OkHttp with {@link MeshInterceptor} reaches real backends by the merged rules, and an edit of
 * one delegate file alone changes where requests go.
 */
class DelegationEndToEndTest {
  @TempDir Path dir;
  Backend v1;
  Backend v2;
  Backend v3;
  Mesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    v1.close();
    v2.close();
    v3.close();
  }

  private static final String TEAM_B = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews-beta, namespace: team-b}
      spec:
        exportTo: [default, team-b]
        http:
        - match: [{uri: {prefix: /beta/new}}]
          route: [{destination: {host: reviews.default.svc.cluster.local, subset: %s}}]
        - match: [{uri: {exact: /login}}]
          route: [{destination: {host: reviews.default.svc.cluster.local, subset: v3}}]
        - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v1}}]
      """;

  @Test
  void mergedRulesRouteRealCallsAndADelegateEditAloneTakesEffect() throws IOException {
    v1 = new Backend("v1");
    v2 = new Backend("v2");
    v3 = new Backend("v3");
    Files.writeString(dir.resolve("reviews.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v2}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v3}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
          - {name: v3, labels: {version: v3}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - name: jason
            match: [{headers: {end-user: {exact: jason}}}]
            delegate: {name: reviews-jason, namespace: team-a}
          - name: beta
            match: [{uri: {prefix: /beta}}]
            delegate: {name: reviews-beta, namespace: team-b}
          - match: [{uri: {prefix: /old}}]
            delegate: {name: reviews-old}
          - route: [{destination: {host: reviews, subset: v1}}]
        """.formatted(v1.port(), v2.port(), v3.port()));
    Files.writeString(dir.resolve("team-a.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews-jason, namespace: team-a}
        spec:
          exportTo: ["*"]
          http:
          - match: [{uri: {prefix: /reviews}}]
            route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]
        """);
    Files.writeString(dir.resolve("team-b.yaml"), TEAM_B.formatted("v2"));
    mesh = Mesh.builder()
        .workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configFile(dir)
        .pollInterval(Duration.ofMillis(50))
        .build();
    OkHttpClient client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();

    assertThat(call(client, "/reviews/1", "jason")).isEqualTo("v2"); // team-a, under the root's end-user match
    assertThat(call(client, "/details/1", "jason")).isEqualTo("v1"); // team-a's rule only narrows: falls through
    assertThat(call(client, "/reviews/1", null)).isEqualTo("v1");
    assertThat(call(client, "/beta/new/1", null)).isEqualTo("v2"); // team-b, under the root's /beta
    assertThat(call(client, "/beta/x", null)).isEqualTo("v1");
    // team-b's /login does not lie under /beta: Istio drops that rule, so /login never reaches v3
    assertThat(call(client, "/login", null)).isEqualTo("v1");
    assertThat(call(client, "/old/1", null)).isEqualTo("v1"); // reviews-old does not exist: the rule falls through
    assertThat(v3.received).isEmpty();
    assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString)
        .anySatisfy(w -> assertThat(w).startsWith("VirtualService reviews-beta (").contains("http[1].match: match[0]"
            + " fits under no match block of the root rule (uri exact '/login' is not within the root's prefix '/beta')"))
        .anySatisfy(w -> assertThat(w).startsWith("VirtualService reviews (").contains("http[2].delegate:"
            + " VirtualService default/reviews-old (a VirtualService without hosts) is not found"));

    long version = mesh.snapshot().version();
    Path teamB = dir.resolve("team-b.yaml");
    Path tmp = dir.resolve("team-b.yaml.tmp");
    Files.writeString(tmp, TEAM_B.formatted("v3"));
    Files.move(tmp, teamB, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(call(client, "/beta/new/1", null)).isEqualTo("v3"));
    assertThat(mesh.snapshot().version()).isGreaterThan(version);
    assertThat(call(client, "/reviews/1", "jason")).isEqualTo("v2");
  }

  private static String call(OkHttpClient client, String path, String user) throws IOException {
    Request.Builder b = new Request.Builder().url("http://reviews:9080" + path);
    if (user != null) {
      b.header("end-user", user);
    }
    try (Response r = client.newCall(b.build()).execute()) {
      return r.body().string();
    }
  }
}
