package io.meshlet.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.ServerIdentities;
import io.meshlet.core.model.Workload;
import io.meshlet.core.resilience.MeshTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The compiler gives each {@code ISTIO_MUTUAL} cluster without {@code subjectAltNames} the service's
 * identities, as istiod's {@code PushContext.ServiceAccounts}: per service (a subset cluster too gets
 * every endpoint's), in the ServiceEntry's namespace, sorted, with the ServiceEntry's {@code subjectAltNames}.
 */
class ServerIdentitiesTest {
  private static final String YAML = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews, namespace: shop}
      spec:
        hosts: [reviews]
        location: MESH_INTERNAL
        resolution: STATIC
        ports: [{number: 9080, name: http}]
        subjectAltNames: ["spiffe://legacy.example/ns/shop/sa/reviews"]
        endpoints:
        - {address: 10.0.0.2, labels: {version: v2}, serviceAccount: reviews-v2}
        - {address: 10.0.0.1, labels: {version: v1}, serviceAccount: reviews-v1}
        - {address: 10.0.0.3, labels: {version: v1}, serviceAccount: reviews-v1}
        - {address: 10.0.0.4, labels: {version: v3}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: shop}
      spec:
        host: reviews
        trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: pinned, labels: {version: v2}, trafficPolicy: {tls: {mode: ISTIO_MUTUAL, subjectAltNames: [x]}}}
        - {name: plain, labels: {version: v3}, trafficPolicy: {tls: {mode: DISABLE}}}
      """;

  private static ClientTlsSettings tls(String cluster) {
    MeshConfig config = IstioYaml.parse("test", "mesh.yaml", YAML, "shop").config();
    RouteTable table = RouteTableCompiler.compile(1, config, new Workload("productpage", "shop", Map.of(), "10.0.0.9", ""),
        "istio-system", RouteTable.EMPTY, MeshTime.system()).table();
    return table.cluster(cluster).tls();
  }

  @Test
  void everyClusterOfTheServiceExpectsAllItsEndpointsAccountsAndItsSubjectAltNames() {
    List<String> expected = List.of("spiffe://cluster.local/ns/shop/sa/reviews-v1", "spiffe://cluster.local/ns/shop/sa/reviews-v2",
        "spiffe://legacy.example/ns/shop/sa/reviews");
    assertThat(tls("outbound|9080||reviews.shop.svc.cluster.local").expectedSubjectAltNames("cluster.local"))
        .containsExactlyElementsOf(expected);
    assertThat(tls("outbound|9080|v1|reviews.shop.svc.cluster.local").expectedSubjectAltNames("cluster.local"))
        .as("as istiod: per service, not per subset").containsExactlyElementsOf(expected);
    assertThat(tls("outbound|9080|v1|reviews.shop.svc.cluster.local").registry().serviceAccounts())
        .containsExactly("shop/reviews-v1", "shop/reviews-v2");
  }

  @Test
  void destinationRuleSubjectAltNamesWinAndOtherModesAreUntouched() {
    ClientTlsSettings pinned = tls("outbound|9080|pinned|reviews.shop.svc.cluster.local");
    assertThat(pinned.registry()).isEqualTo(ServerIdentities.NONE);
    assertThat(pinned.expectedSubjectAltNames("cluster.local")).containsExactly("x");
    assertThat(tls("outbound|9080|plain|reviews.shop.svc.cluster.local").registry()).isEqualTo(ServerIdentities.NONE);
  }

  @Test
  void theTrustDomainIsTheCallersChoice() {
    assertThat(tls("outbound|9080||reviews.shop.svc.cluster.local").expectedSubjectAltNames("example.org"))
        .contains("spiffe://example.org/ns/shop/sa/reviews-v1").doesNotContain("spiffe://cluster.local/ns/shop/sa/reviews-v1");
  }
}
