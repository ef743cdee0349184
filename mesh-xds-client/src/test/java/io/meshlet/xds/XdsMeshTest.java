package io.meshlet.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.meshlet.core.Mesh;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.snapshot.SourceStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Mesh built from a bootstrap file, routing by istiod-shaped resources served by a real xDS server. */
class XdsMeshTest {
  @TempDir Path dir;
  ControlPlane cp;
  Mesh mesh;

  @BeforeEach
  void start() throws Exception {
    cp = new ControlPlane().start(0);
    cp.serve("1", List.of(IstiodShapes.listener()), List.of(IstiodShapes.routes("v2")), IstiodShapes.clusters(),
        IstiodShapes.endpoints());
    Path bootstrap = dir.resolve("grpc-bootstrap.json");
    Files.writeString(bootstrap, """
        {
          "xds_servers": [{"server_uri": "%s", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
          "node": {"id": "sidecar~10.0.0.9~productpage-v1-abc.default~default.svc.cluster.local",
                   "metadata": {"NAMESPACE": "default", "LABELS": {"app": "productpage", "version": "v1"}}}
        }
        """.formatted(cp.target()));
    mesh = Mesh.builder().workload("productpage").namespace("default").xdsBootstrap(bootstrap)
        .random(new Random(5)).startupTimeout(Duration.ofSeconds(20)).build();
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
    cp.close();
  }

  @Test
  void routingFollowsTheServedConfig() {
    assertThat(mesh.sources()).singleElement().satisfies(s -> {
      assertThat(s.name()).isEqualTo("xds:" + cp.target());
      assertThat(s.state()).isEqualTo(SourceStatus.State.ACTIVE);
    });
    Explanation jason = mesh.explain("http://reviews:9080/reviews/1", Map.of("end-user", "jason"));
    assertThat(jason.outcome()).isEqualTo(Explanation.Outcome.FORWARD);
    assertThat(jason.endpoint()).isEqualTo("10.0.0.2:9080");
    assertThat(jason.virtualServiceOrigin()).contains("RouteConfiguration " + IstiodShapes.NAME);
    assertThat(mesh.configDump().get("xds:" + cp.target()))
        .contains("Cluster " + IstiodShapes.cluster("v2") + ": ACKED (version 1)")
        .contains("RouteConfiguration " + IstiodShapes.NAME + ": ACKED (version 1)");

    int v1 = 0;
    for (int i = 0; i < 400; i++) {
      String e = mesh.explain("http://reviews.default.svc.cluster.local:9080/", Map.of()).endpoint();
      assertThat(e).isIn("10.0.0.1:9080", "10.0.0.3:9080");
      if (e.equals("10.0.0.1:9080")) {
        v1++;
      }
    }
    assertThat(v1 / 400.0).isBetween(0.72, 0.88);
  }

  @Test
  void aNewSnapshotIsAppliedAndABadOneIsNackedWithTheOldRoutingKept() {
    long before = mesh.snapshot().version();
    cp.serve("2", List.of(IstiodShapes.listener()), List.of(IstiodShapes.routes("v3")), IstiodShapes.clusters(),
        IstiodShapes.endpoints());
    await().atMost(Duration.ofSeconds(10)).until(() ->
        "10.0.0.3:9080".equals(mesh.explain("http://reviews:9080/", Map.of("end-user", "jason")).endpoint()));
    assertThat(mesh.snapshot().version()).isGreaterThan(before);

    // A weighted cluster with weights that add up to 0 cannot be routed: the RouteConfiguration is NACKed.
    RouteConfiguration bad = IstiodShapes.routes("v1").toBuilder()
        .setVirtualHosts(0, IstiodShapes.routes("v1").getVirtualHosts(0).toBuilder()
            .setRoutes(1, IstiodShapes.routes("v1").getVirtualHosts(0).getRoutes(1).toBuilder()
                .setRoute(IstiodShapes.routes("v1").getVirtualHosts(0).getRoutes(1).getRoute().toBuilder()
                    .setWeightedClusters(WeightedCluster.newBuilder()
                        .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(IstiodShapes.cluster("v1"))
                            .setWeight(UInt32Value.of(0)))))))
        .build();
    cp.serve("3", List.of(IstiodShapes.listener()), List.of(bad), IstiodShapes.clusters(), IstiodShapes.endpoints());
    await().atMost(Duration.ofSeconds(5)).until(() ->
        cp.requests(XdsType.RDS).stream().anyMatch(r -> r.hasErrorDetail() && r.getErrorDetail().getMessage().contains(IstiodShapes.NAME)));
    assertThat(mesh.explain("http://reviews:9080/", Map.of("end-user", "jason")).endpoint())
        .as("the last accepted routes stay").isEqualTo("10.0.0.3:9080");
  }

  @Test
  void xdsAndLocalFilesCombineAndTheSnapshotSaysWhereEachResourceCameFrom() throws Exception {
    Path local = dir.resolve("local.yaml");
    Files.writeString(local, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ratings}
        spec:
          hosts: [ratings]
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 10.0.1.1}]
        """);
    Path bootstrap = dir.resolve("grpc-bootstrap.json");
    try (Mesh both = Mesh.builder().workload("productpage").xdsBootstrap(bootstrap).configFile(local).build()) {
      assertThat(both.explain("http://reviews:9080/", Map.of("end-user", "jason")).endpoint()).isEqualTo("10.0.0.2:9080");
      assertThat(both.explain("http://ratings:9080/", Map.of()).endpoint()).isEqualTo("10.0.1.1:9080");
      assertThat(both.snapshot().origin(new io.meshlet.core.model.ResourceId("ServiceEntry", "default", "ratings")))
          .hasValueSatisfying(o -> assertThat(o.source()).startsWith("file:"));
      assertThat(both.snapshot().origin(new io.meshlet.core.model.ResourceId("VirtualService", "default", IstiodShapes.HOST)))
          .hasValueSatisfying(o -> assertThat(o.source()).isEqualTo("xds"));
    }
  }

  @Test
  void theControlPlaneStopsAndRestartsAndRoutingNeverStops() throws Exception {
    int port = cp.port();
    cp.stop();
    for (int i = 0; i < 20; i++) {
      assertThat(mesh.explain("http://reviews:9080/", Map.of("end-user", "jason")).endpoint()).isEqualTo("10.0.0.2:9080");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.sources().get(0).state() == SourceStatus.State.FAILED);
    assertThat(mesh.explain("http://reviews:9080/", Map.of("end-user", "jason")).endpoint()).isEqualTo("10.0.0.2:9080");

    cp = new ControlPlane().start(port);
    cp.serve("5", List.of(IstiodShapes.listener()), List.of(IstiodShapes.routes("v3")), IstiodShapes.clusters(),
        IstiodShapes.endpoints());
    await().atMost(Duration.ofSeconds(20)).until(() ->
        "10.0.0.3:9080".equals(mesh.explain("http://reviews:9080/", Map.of("end-user", "jason")).endpoint()));
    assertThat(mesh.sources().get(0).state()).isEqualTo(SourceStatus.State.ACTIVE);
  }
}
