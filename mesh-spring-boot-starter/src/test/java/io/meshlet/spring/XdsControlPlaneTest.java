package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.controlplane.MeshControlPlane;
import io.meshlet.spring.xdsapp.DetailsPage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Boot application whose mesh reads a real mesh-control-plane over xDS: it announces its
 * actuator prometheus URL in its node metadata (the control plane's {@code /api/workloads} shows
 * it), and a {@code @MeshClient} without a port reaches the one port of its service although the
 * control plane's routes are per port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XdsControlPlaneTest {
  static final String NODE = "sidecar~127.0.0.1~productpage-v1-7d4f.default~default.svc.cluster.local";
  static final OkHttpClient PLAIN = new OkHttpClient();
  static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path dir;
  Bookinfo.Server details;
  MeshControlPlane controlPlane;
  ConfigurableApplicationContext app;
  int appPort;

  @BeforeAll
  void start() throws IOException {
    details = new Bookinfo.Server("details");
    Path config = Files.createDirectories(dir.resolve("config"));
    Files.writeString(config.resolve("details.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: details, namespace: default}
        spec:
          hosts: [details.default.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - {address: 127.0.0.1, ports: {http: %d}, labels: {app: details, version: v1}}
        """.formatted(details.port()));
    controlPlane = MeshControlPlane.builder().configDir(config).port(0).adminPort(0).build().start();
    Path bootstrap = Files.writeString(dir.resolve("grpc-bootstrap.json"), """
        {"xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
         "node": {"id": "%s", "metadata": {"NAMESPACE": "default", "LABELS": {"app": "productpage", "version": "v1"},
                                   "WORKLOAD_NAME": "the-bootstrap-s"}}}
        """.formatted(controlPlane.port(), NODE));
    appPort = freePort();
    app = new SpringApplicationBuilder(DetailsPage.class).properties(
            "spring.application.name=productpage",
            "server.port=" + appPort,
            "server.address=127.0.0.1",
            "management.endpoints.web.exposure.include=health,prometheus",
            "mesh.xds.bootstrap=" + bootstrap,
            "mesh.xds.from-environment=false",
            "mesh.xds.metadata[WORKLOAD_NAME]=productpage-v1",
            "mesh.startup.timeout=30s")
        .run();
  }

  @AfterAll
  void stop() throws IOException {
    if (app != null) {
      app.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (details != null) {
      details.server.close();
    }
  }

  @Test
  void theControlPlaneListsTheActuatorPrometheusUrlItCanRead() throws IOException {
    String expected = "http://127.0.0.1:" + appPort + "/actuator/prometheus";
    JsonNode node = workload();
    assertThat(node.get("metricsUrl").asString()).isEqualTo(expected);
    assertThat(node.get("workload").asString()).isEqualTo("productpage-v1");

    app.getBean(DetailsPage.Details.class).get(1);
    try (Response r = PLAIN.newCall(new Request.Builder().url(expected).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).contains("istio_requests_total{").contains("destination_service=\"details.default.svc.cluster.local\"");
    }
  }

  @Test
  void aMeshClientWithoutPortReachesTheServicesOnePortOverXds() {
    int before = details.received.size();
    String body = app.getBean(DetailsPage.Details.class).get(7);
    assertThat(body).contains("\"id\":7").contains("details");
    assertThat(details.received).hasSize(before + 1);
    assertThat(details.received.get(before).getUrl().encodedPath()).isEqualTo("/details/7");
  }

  private JsonNode workload() throws IOException {
    JsonNode[] found = new JsonNode[1];
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      try (Response r = PLAIN.newCall(new Request.Builder()
          .url("http://127.0.0.1:" + controlPlane.adminPort() + "/api/workloads").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        JsonNode node = null;
        for (JsonNode w : JSON.readTree(r.body().string()).get("workloads")) {
          if (w.get("node").asString().equals(NODE)) {
            node = w;
          }
        }
        assertThat(node).as("node " + NODE + " in /api/workloads").isNotNull();
        found[0] = node;
      }
    });
    return found[0];
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
