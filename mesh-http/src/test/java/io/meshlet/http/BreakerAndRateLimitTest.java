package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.resilience.LocalRateLimit;
import io.meshlet.core.resilience.ManualTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Meshlet's CircuitBreaker and RateLimit kinds, client side, against a real server. */
class BreakerAndRateLimitTest {
  @TempDir Path dir;
  Backend backend;
  Mesh mesh;

  @BeforeEach
  void start() {
    backend = new Backend("b");
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    backend.close();
  }

  @Test
  void theBreakerOpensOnFailuresAnswersUoAndClosesAgainAfterItsWait() throws IOException {
    ManualTime time = new ManualTime();
    mesh = mesh("""
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: CircuitBreaker
        metadata: {name: catalog}
        spec:
          host: catalog
          failureRateThreshold: 50
          minimumNumberOfCalls: 4
          slidingWindow: {type: COUNT_BASED, size: 4}
          waitDurationInOpenState: 10s
          permittedNumberOfCallsInHalfOpenState: 1
        """, time);
    OkHttpClient client = client();
    String cluster = "outbound|8080||catalog.default.svc.cluster.local";
    backend.respond(500);
    for (int i = 0; i < 4; i++) {
      assertThat(code(client, "/items")).isEqualTo(500);
    }
    assertThat(mesh.circuitBreakers().get(cluster).state()).isEqualTo("OPEN");
    int hits = backend.hits();
    try (Response r = call(client, "/items")) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.header(ResponseFlag.HEADER)).isEqualTo("UO");
      assertThat(r.body().string()).contains("circuit breaker of " + cluster + " is OPEN");
    }
    assertThat(backend.hits()).as("an open breaker sends nothing").isEqualTo(hits);
    assertThat(mesh.explain("http://catalog:8080/items", Map.of()).policies())
        .anySatisfy(p -> assertThat(p).contains("circuit breaker OPEN"));

    backend.behave(Backend.Behavior.OK);
    time.advance(Duration.ofSeconds(11));
    assertThat(code(client, "/items")).as("half open: one call goes through").isEqualTo(200);
    assertThat(mesh.circuitBreakers().get(cluster).state()).isEqualTo("CLOSED");
  }

  @Test
  void aRateLimitAnswers429WithRlOverItsLimitAndOnlyOnItsRoutes() throws IOException {
    mesh = mesh("""
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: RateLimit
        metadata: {name: writes}
        spec:
          host: catalog
          routes: [writes]
          limitForPeriod: 3
          limitRefreshPeriod: 1h
        """, new ManualTime());
    OkHttpClient client = client();
    for (int i = 0; i < 3; i++) {
      assertThat(code(client, "/write")).isEqualTo(200);
    }
    try (Response r = call(client, "/write")) {
      assertThat(r.code()).isEqualTo(429);
      assertThat(r.header(ResponseFlag.HEADER)).isEqualTo("RL");
      assertThat(r.header(LocalRateLimit.RATELIMITED_HEADER)).isEqualTo("true");
    }
    assertThat(backend.hits()).isEqualTo(3);
    for (int i = 0; i < 10; i++) {
      assertThat(code(client, "/read")).as("another rule is not limited").isEqualTo(200);
    }
    assertThat(mesh.rateLimits()).containsKey("RateLimit default/writes");
    assertThat(mesh.rateLimits().get("RateLimit default/writes").availablePermissions()).isZero();
  }

  private Mesh mesh(String extra, ManualTime time) throws IOException {
    Path file = dir.resolve("mesh.yaml");
    Files.writeString(file, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: catalog}
        spec:
          hosts: [catalog]
          resolution: STATIC
          ports: [{number: 8080, name: http, protocol: HTTP}]
          endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: catalog}
        spec:
          hosts: [catalog]
          http:
          - name: writes
            match: [{uri: {prefix: /write}}]
            retries: {attempts: 0}
            route: [{destination: {host: catalog}}]
          - name: reads
            retries: {attempts: 0}
            route: [{destination: {host: catalog}}]
        ---
        """.formatted(backend.port()) + extra);
    return Mesh.builder().workload("frontend").configFile(file).time(time).build();
  }

  private OkHttpClient client() {
    return new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
  }

  private static Response call(OkHttpClient client, String path) throws IOException {
    return client.newCall(new Request.Builder().url("http://catalog:8080" + path).build()).execute();
  }

  private static int code(OkHttpClient client, String path) throws IOException {
    try (Response r = call(client, path)) {
      return r.code();
    }
  }
}
