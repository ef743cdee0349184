package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.Mesh;
import io.meshlet.core.pipeline.Mirrors;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirroring through MeshInterceptor against real backends: the primary (subset v1) answers, the
 * mirror (subset v2) gets a copy with the shadow Host; a held, dead or full mirror never holds up or
 * fails the original. No timing assertion: the held mirror waits on a latch while originals finish.
 */
class MirrorTest {
  @TempDir Path dir;
  final Backend primary = new Backend("v1");
  final Backend shadow = new Backend("v2");
  Mesh mesh;
  OkHttpClient client;

  @AfterEach
  void stop() {
    primary.close();
    shadow.close();
    if (mesh != null) {
      mesh.close();
    }
  }

  private void start(int mirrorPort, int maxInFlight) throws IOException {
    Path file = dir.resolve("mesh.yaml");
    Files.writeString(file, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews, subset: v1}}]
            headers: {request: {set: {x-route: mirrored}}}
            mirror: {host: reviews, subset: v2}
        """.formatted(primary.port(), mirrorPort));
    mesh = Mesh.builder().workload("productpage").configFile(file).random(new Random(1))
        .maxMirrorsInFlight(maxInFlight).build();
    client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
  }

  private String get(String path) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080" + path).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    }
  }

  @Test
  void aCopyGoesToTheMirrorSubsetWithTheShadowHostAndItsResponseIsDiscarded() throws Exception {
    start(shadow.port(), Mirrors.DEFAULT_MAX_IN_FLIGHT);
    assertThat(get("/reviews/1?x=y")).isEqualTo("v1");
    await().atMost(Duration.ofSeconds(10)).until(() -> shadow.hits() == 1);
    assertThat(shadow.last().getHeaders().get("Host")).isEqualTo("reviews-shadow:9080");
    assertThat(shadow.last().getTarget()).isEqualTo("/reviews/1?x=y");
    assertThat(shadow.last().getHeaders().get("x-route")).isEqualTo("mirrored");
    assertThat(primary.last().getHeaders().get("Host")).isEqualTo("reviews:9080");
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.pipeline().mirrors().inFlight() == 0);
  }

  @Test
  void aHeldMirrorNeverHoldsUpTheOriginals() throws Exception {
    start(shadow.port(), Mirrors.DEFAULT_MAX_IN_FLIGHT);
    shadow.behave(Backend.Behavior.HOLD);
    for (int i = 0; i < 3; i++) {
      assertThat(get("/")).isEqualTo("v1");
    }
    assertThat(primary.hits()).isEqualTo(3);
    assertThat(mesh.pipeline().mirrors().inFlight()).isEqualTo(3);
    shadow.release();
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.pipeline().mirrors().inFlight() == 0);
    assertThat(shadow.hits()).isEqualTo(3);
  }

  @Test
  void aFullBoundDropsAndCountsCopies() throws Exception {
    start(shadow.port(), 2);
    shadow.behave(Backend.Behavior.HOLD);
    for (int i = 0; i < 5; i++) {
      assertThat(get("/")).isEqualTo("v1");
    }
    Mirrors mirrors = mesh.pipeline().mirrors();
    assertThat(mirrors.inFlight()).isEqualTo(2);
    assertThat(mirrors.dropped()).isEqualTo(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> shadow.hits() == 2);
    shadow.release();
    await().atMost(Duration.ofSeconds(10)).until(() -> mirrors.inFlight() == 0);
    assertThat(get("/")).isEqualTo("v1");
    await().atMost(Duration.ofSeconds(10)).until(() -> shadow.hits() == 3);
  }

  @Test
  void aDeadMirrorNeverFailsTheOriginal() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    start(closed, Mirrors.DEFAULT_MAX_IN_FLIGHT);
    for (int i = 0; i < 3; i++) {
      assertThat(get("/")).isEqualTo("v1");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.pipeline().mirrors().inFlight() == 0);
    assertThat(mesh.pipeline().mirrors().sent()).isEqualTo(3);
  }

  @Test
  void bodiesAreCopiedWhenReplayableAndOneShotBodiesAreNotMirrored() throws Exception {
    start(shadow.port(), Mirrors.DEFAULT_MAX_IN_FLIGHT);
    try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/post")
        .post(RequestBody.create("hello", MediaType.get("text/plain"))).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> shadow.hits() == 1);
    assertThat(shadow.last().getBody().utf8()).isEqualTo("hello");

    RequestBody oneShot = new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get("text/plain");
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.writeUtf8("once");
      }

      @Override
      public boolean isOneShot() {
        return true;
      }
    };
    try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/post").post(oneShot).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(primary.last().getBody().utf8()).isEqualTo("once");
    assertThat(mesh.pipeline().mirrors().dropped()).isEqualTo(1);
    assertThat(mesh.pipeline().mirrors().inFlight()).isZero();
    assertThat(shadow.hits()).isEqualTo(1);
  }

}
