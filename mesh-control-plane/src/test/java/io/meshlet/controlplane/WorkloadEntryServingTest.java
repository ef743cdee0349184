package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.meshlet.core.Mesh;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.routing.Cluster;
import io.meshlet.xds.XdsConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ServiceEntry whose {@code workloadSelector} selects WorkloadEntries, served as EDS: each
 * subset's cluster gets its entries with their locality and weight, and the workload facts istiod
 * writes ({@code filter_metadata.istio.workload}); a real XdsConfigSource reads back what a Mesh
 * built from the same YAML compiles, and follows an edit of one WorkloadEntry.
 */
class WorkloadEntryServingTest {
  private static final String HOST = "reviews.vms.example";
  private static final String ALL = "outbound|9080||" + HOST;
  private static final String V1 = "outbound|9080|v1|" + HOST;
  private static final String V2 = "outbound|9080|v2|" + HOST;

  static final String SERVICE = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews-vms, namespace: default}
      spec:
        hosts: [reviews.vms.example]
        location: MESH_INTERNAL
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}]
        workloadSelector: {labels: {app: reviews}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews-vms, namespace: default}
      spec:
        host: reviews.vms.example
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: WorkloadEntry
      metadata: {name: reviews-elsewhere, namespace: staging}
      spec: {address: 10.9.9.9, labels: {app: reviews, version: v1}}
      """;

  static String entries(String v2Address) {
    return """
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: reviews-vm-1, namespace: default}
        spec: {address: 10.0.0.1, labels: {app: reviews, version: v1}, locality: us-east/zone-a}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: reviews-vm-2, namespace: default}
        spec: {address: %s, ports: {http: 9081}, labels: {app: reviews, version: v2}, locality: eu-west/zone-b, weight: 3}
        """.formatted(v2Address);
  }

  @TempDir Path dir;
  MeshControlPlane cp;
  final List<Mesh> meshes = new ArrayList<>();

  @AfterEach
  void stop() {
    meshes.forEach(Mesh::close);
    if (cp != null) {
      cp.close();
    }
  }

  @Test
  void eachSubsetsAssignmentHoldsItsEntriesWithLocalityWeightAndWorkload() {
    SnapshotBuilder.Resources r = SnapshotBuilderTest.build(SERVICE + "---\n" + entries("10.0.0.2"), "default", Map.of());
    assertThat(addresses(cla(r, ALL))).containsExactly("10.0.0.1:9080", "10.0.0.2:9081");
    assertThat(addresses(cla(r, V1))).containsExactly("10.0.0.1:9080");
    ClusterLoadAssignment v2 = cla(r, V2);
    assertThat(addresses(v2)).containsExactly("10.0.0.2:9081");
    LocalityLbEndpoints group = v2.getEndpoints(0);
    assertThat(group.getLocality().getRegion()).isEqualTo("eu-west");
    assertThat(group.getLocality().getZone()).isEqualTo("zone-b");
    LbEndpoint e = group.getLbEndpoints(0);
    assertThat(e.getLoadBalancingWeight().getValue()).isEqualTo(3);
    assertThat(e.getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("workload").getStringValue())
        .isEqualTo("reviews-vm-2;default;reviews;v2;");
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void aHostNameEntryIsLeftOutOfAStaticServiceWithAWarning() {
    SnapshotBuilder.Resources r = SnapshotBuilderTest.build(SERVICE + "---\n" + entries("vm-2.example.com"), "default", Map.of());
    assertThat(addresses(cla(r, ALL))).containsExactly("10.0.0.1:9080");
    assertThat(cla(r, V2).getEndpointsCount()).isZero();
    assertThat(r.warnings()).containsExactly("ServiceEntry default/reviews-vms: WorkloadEntry default/reviews-vm-2: address "
        + "'vm-2.example.com' is a host name, which only a ServiceEntry with resolution DNS takes (this one is STATIC); left out");
  }

  @Test
  void anXdsClientGetsTheEndpointsTheYamlCompilesAndFollowsAnEditOfOneEntry() throws Exception {
    Path config = Files.createDirectory(dir.resolve("config"));
    Files.writeString(config.resolve("service.yaml"), SERVICE);
    write(config, entries("10.0.0.2"));
    cp = MeshControlPlane.builder().configDir(config).port(0).pollInterval(Duration.ofMillis(50)).build().start();
    XdsConfigSource source = XdsConfigSource.builder().target("127.0.0.1:" + cp.port())
        .nodeId("sidecar~10.0.0.9~productpage-v1.default~default.svc.cluster.local")
        .namespace("default").labels(Map.of("app", "productpage")).build();
    Mesh fromXds = mesh(Mesh.builder().workload("productpage").namespace("default").configSource(source)
        .startupTimeout(Duration.ofSeconds(20)));
    Mesh fromYaml = mesh(Mesh.builder().workload("productpage").namespace("default").configFile(config));

    for (String cluster : List.of(ALL, V1, V2)) {
      assertThat(described(fromXds, cluster)).as(cluster).isEqualTo(described(fromYaml, cluster));
    }
    assertThat(described(fromXds, V2)).containsExactly("10.0.0.2:9081 eu-west/zone-b weight 3");
    Endpoint served = fromXds.routeTable().cluster(V2).endpoints().get(0);
    assertThat(served.labels()).as("the workload istiod would name, read back from the EDS metadata")
        .containsEntry("service.istio.io/workload-name", "reviews-vm-2");

    long version = cp.version();
    write(config, entries("10.0.0.7"));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> described(fromXds, V2).equals(List.of("10.0.0.7:9081 eu-west/zone-b weight 3")));
    assertThat(cp.version()).isGreaterThan(version);
    assertThat(described(fromXds, V1)).containsExactly("10.0.0.1:9080 us-east/zone-a weight 1");
  }

  private Mesh mesh(Mesh.Builder b) {
    Mesh m = b.build();
    meshes.add(m);
    return m;
  }

  private static void write(Path config, String yaml) throws Exception {
    Path tmp = config.resolveSibling("entries.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, config.resolve("entries.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static List<String> described(Mesh mesh, String cluster) {
    Cluster c = mesh.routeTable().cluster(cluster);
    if (c == null) {
      return List.of("no cluster " + cluster);
    }
    return c.endpoints().stream().map(e -> e.hostPort() + " " + e.locality() + " weight " + e.weight()).toList();
  }

  private static ClusterLoadAssignment cla(SnapshotBuilder.Resources r, String name) {
    return r.endpoints().stream().filter(c -> c.getClusterName().equals(name)).findFirst().orElseThrow();
  }

  private static List<String> addresses(ClusterLoadAssignment cla) {
    List<String> out = new ArrayList<>();
    for (LocalityLbEndpoints g : cla.getEndpointsList()) {
      for (LbEndpoint e : g.getLbEndpointsList()) {
        var sa = e.getEndpoint().getAddress().getSocketAddress();
        out.add(sa.getAddress() + ":" + sa.getPortValue());
      }
    }
    return out;
  }
}
