package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each node is served only the services in its Sidecar's egress scope, as istiod scopes its pushes. */
class SidecarScopeServingTest {
  static final String YAML = Bookinfo.yaml("v2") + """
      ---
      apiVersion: networking.istio.io/v1
      kind: Sidecar
      metadata: {name: productpage, namespace: default}
      spec:
        workloadSelector: {labels: {app: productpage}}
        egress:
        - hosts: ["./reviews.default.svc.cluster.local", "./details"]
      """;

  @Test
  void aNodeWhoseSidecarLimitsEgressGetsOnlyThoseClustersAndRoutes() {
    SnapshotBuilder.Resources scoped = SnapshotBuilderTest.build(YAML, "default", Map.of("app", "productpage"));
    assertThat(scoped.clusters()).extracting(Cluster::getName)
        .allMatch(n -> n.endsWith("|reviews.default.svc.cluster.local") || n.endsWith("|details.default.svc.cluster.local"))
        .anyMatch(n -> n.contains("reviews")).anyMatch(n -> n.contains("details"));
    assertThat(scoped.routes()).extracting(RouteConfiguration::getName).noneMatch(n -> n.contains("ratings"));

    SnapshotBuilder.Resources other = SnapshotBuilderTest.build(YAML, "default", Map.of("app", "reviews"));
    assertThat(other.clusters()).extracting(Cluster::getName).anyMatch(n -> n.contains("ratings"));
  }
}
