package io.meshlet.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.meshlet.core.Mesh;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xDS health meters of a mesh fed by a real xDS server, as Prometheus scrapes them: ACKs and
 * NACKs per resource type, and whether the stream is up.
 */
class XdsHealthMetersTest {
  @TempDir Path dir;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  ControlPlane cp;
  Mesh mesh;

  @AfterEach
  void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
    cp.close();
  }

  private double value(String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(registry.scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  void acksAndNacksAreCountedPerTypeAndTheStreamStateFollowsTheServer() throws Exception {
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
    mesh = Mesh.builder().workload("productpage").namespace("default").xdsBootstrap(bootstrap).meterRegistry(registry)
        .startupTimeout(Duration.ofSeconds(20)).build();
    String source = "source=\"xds:" + cp.target() + "\"";
    String rdsAck = "meshlet_xds_responses_total{result=\"ack\"," + source + ",type=\"RDS\"}";
    String rdsNack = "meshlet_xds_responses_total{result=\"nack\"," + source + ",type=\"RDS\"}";
    String connected = "meshlet_xds_connected{" + source + "}";
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (String type : List.of("LDS", "RDS", "CDS", "EDS")) {
        assertThat(value("meshlet_xds_responses_total{result=\"ack\"," + source + ",type=\"" + type + "\"}"))
            .as(type).isGreaterThanOrEqualTo(1.0);
      }
      assertThat(value(connected)).isEqualTo(1.0);
    });
    assertThat(registry.scrape()).doesNotContain("result=\"nack\"");

    RouteConfiguration good = IstiodShapes.routes("v1");
    RouteConfiguration bad = good.toBuilder()
        .setVirtualHosts(0, good.getVirtualHosts(0).toBuilder()
            .setRoutes(1, good.getVirtualHosts(0).getRoutes(1).toBuilder()
                .setRoute(good.getVirtualHosts(0).getRoutes(1).getRoute().toBuilder()
                    .setWeightedClusters(WeightedCluster.newBuilder()
                        .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(IstiodShapes.cluster("v1"))
                            .setWeight(UInt32Value.of(0)))))))
        .build();
    double acksBefore = value(rdsAck);
    cp.serve("2", List.of(IstiodShapes.listener()), List.of(bad), IstiodShapes.clusters(), IstiodShapes.endpoints());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(value(rdsNack)).isGreaterThanOrEqualTo(1.0));
    assertThat(value(rdsAck)).as("the rejected response is not an ACK").isEqualTo(acksBefore);

    cp.stop();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(value(connected)).isEqualTo(0.0));
  }
}
