package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.Mesh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config directory holding, next to ordinary documents, one that Istio accepts and Meshlet only
 * partly applies (a ServiceEntry with a unix socket endpoint, a UDP port and DYNAMIC_DNS) and one
 * kind that cannot apply in-process (EnvoyFilter): the mesh starts and routes by the others.
 */
class ConfigDirectoryDocumentByDocumentTest {
  @TempDir Path dir;
  Backend v1;
  Backend v2;
  Mesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    v1.close();
    v2.close();
  }

  @Test
  void unsupportedButValidDocumentsDoNotStopTheOthers() throws IOException {
    v1 = new Backend("v1");
    v2 = new Backend("v2");
    Files.writeString(dir.resolve("reviews.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 9080, name: http, protocol: ""}
          - {number: 9053, name: dns, protocol: UDP}
          endpoints:
          - {address: "unix:///var/run/reviews.sock", labels: {version: v1}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            tunnel: {protocol: CONNECT, targetHost: reviews, targetPort: 9080}
            connectionPool: {http: {maxConcurrentStreams: 10, useClientProtocol: true}}
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
          - match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: reviews, subset: v2}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """.formatted(v1.port(), v2.port()));
    Files.writeString(dir.resolve("wildcard.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: any-example}
        spec:
          hosts: ["*.example.com"]
          resolution: DYNAMIC_DNS
          ports: [{number: 80, name: http}]
        """);
    Files.writeString(dir.resolve("envoyfilter.yaml"), """
        apiVersion: networking.istio.io/v1alpha3
        kind: EnvoyFilter
        metadata: {name: lua}
        spec:
          configPatches: []
        """);
    mesh = Mesh.builder()
        .workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configFile(dir)
        .pollInterval(Duration.ofMillis(50))
        .build();
    OkHttpClient client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(call(client, null)).isEqualTo("v1");
      assertThat(call(client, "jason")).isEqualTo("v2");
    });
    for (int i = 0; i < 10; i++) {
      assertThat(call(client, null)).isEqualTo("v1");
    }
  }

  private static String call(OkHttpClient client, String user) throws IOException {
    Request.Builder b = new Request.Builder().url("http://reviews:9080/reviews/1");
    if (user != null) {
      b.header("end-user", user);
    }
    try (Response r = client.newCall(b.build()).execute()) {
      return r.body().string();
    }
  }
}
