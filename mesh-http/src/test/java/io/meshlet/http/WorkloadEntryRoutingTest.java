package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.Mesh;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.routing.Cluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VMs as Istio describes them, from YAML only: a ServiceEntry whose {@code workloadSelector} takes
 * the WorkloadEntries of its namespace as endpoints, DestinationRule subsets picking them by label,
 * real servers on loopback behind each entry, and a config directory whose WorkloadEntry is edited
 * while the mesh runs.
 */
class WorkloadEntryRoutingTest {
  private static final String V1_CLUSTER = "outbound|9080|v1|reviews.default.svc.cluster.local";
  private static final String V2_CLUSTER = "outbound|9080|v2|reviews.default.svc.cluster.local";

  @TempDir Path dir;
  final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  final List<Backend> backends = new ArrayList<>();
  Mesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    backends.forEach(Backend::close);
  }

  private Backend backend(String name) {
    Backend b = new Backend(name);
    backends.add(b);
    return b;
  }

  @Test
  void subsetsRouteToTheSelectedWorkloadEntriesAndAnEditMovesAnEndpoint() throws IOException {
    Backend v1 = backend("v1");
    Backend v2 = backend("v2");
    Backend v3 = backend("v3");
    Backend stranger = backend("stranger");
    Files.writeString(dir.resolve("reviews.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          workloadSelector: {labels: {app: reviews}}
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
          - match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: reviews, subset: v2}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """);
    Files.writeString(dir.resolve("others.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: ratings-vm}
        spec:
          address: 127.0.0.1
          ports: {http: %d}
          labels: {app: ratings, version: v1}
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: WorkloadEntry
        metadata: {name: reviews-vm-elsewhere, namespace: staging}
        spec:
          address: 127.0.0.1
          ports: {http: %d}
          labels: {app: reviews, version: v2}
        """.formatted(stranger.port(), stranger.port()));
    Path vms = dir.resolve("reviews-vms.yaml");
    Files.writeString(vms, vms(v1.port(), v2.port()));
    mesh = Mesh.builder()
        .workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configFile(dir)
        .pollInterval(Duration.ofMillis(50))
        .meterRegistry(registry)
        .build();
    OkHttpClient client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();

    for (int i = 0; i < 5; i++) {
      assertThat(call(client, null)).isEqualTo("v1");
      assertThat(call(client, "jason")).isEqualTo("v2");
    }
    io.micrometer.core.instrument.Counter toVm2 = registry.find("istio.requests")
        .tag("reporter", "source").tag("destination_workload", "reviews-vm-2").tag("destination_version", "v2").counter();
    assertThat(toVm2).as("telemetry names the WorkloadEntry as istiod does").isNotNull();
    assertThat(toVm2.count()).isEqualTo(5.0);
    assertThat(stranger.received).as("another namespace's entry and another app's are not selected").isEmpty();
    Endpoint e1 = only(mesh.routeTable().cluster(V1_CLUSTER));
    assertThat(e1.locality()).isEqualTo("us-east/zone-a");
    assertThat(e1.labels()).containsEntry("version", "v1").containsEntry("service.istio.io/workload-name", "reviews-vm-1");
    Endpoint e2 = only(mesh.routeTable().cluster(V2_CLUSTER));
    assertThat(e2.locality()).as("from the topology.istio.io/locality label").isEqualTo("eu-west/zone-b");
    assertThat(e2.weight()).isEqualTo(3);

    // Only the WorkloadEntry changes: reviews-vm-2 now runs on the third server.
    Files.writeString(vms, vms(v1.port(), v3.port()));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(call(client, "jason")).isEqualTo("v3"));
    for (int i = 0; i < 5; i++) {
      assertThat(call(client, "jason")).isEqualTo("v3");
      assertThat(call(client, null)).isEqualTo("v1");
    }
    assertThat(only(mesh.routeTable().cluster(V2_CLUSTER)).port()).isEqualTo(v3.port());
  }

  private static String vms(int v1Port, int v2Port) {
    return """
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: reviews-vm-1}
        spec:
          address: 127.0.0.1
          ports: {http: %d}
          labels: {app: reviews, version: v1}
          locality: us-east/zone-a
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: reviews-vm-2}
        spec:
          address: 127.0.0.1
          ports: {http: %d}
          labels: {app: reviews, version: v2, topology.istio.io/locality: eu-west.zone-b}
          weight: 3
        """.formatted(v1Port, v2Port);
  }

  @Test
  void localityLoadBalancingKeepsCallsInTheCallersZone() throws IOException {
    Backend east = backend("east");
    Backend west = backend("west");
    Path file = dir.resolve("catalog.yaml");
    Files.writeString(file, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: catalog}
        spec:
          hosts: [catalog]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 8080, name: http, targetPort: %d}]
          workloadSelector: {labels: {app: catalog}}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: catalog-west}
        spec: {address: 127.0.0.1, ports: {http: %d}, labels: {app: catalog}, locality: us-west/c}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: catalog-east}
        spec: {address: 127.0.0.1, labels: {app: catalog}, locality: us-east/a}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: catalog}
        spec:
          host: catalog
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: {consecutive5xxErrors: 1, interval: 1h, baseEjectionTime: 1h}
        """.formatted(east.port(), west.port()));
    mesh = Mesh.builder().workload("frontend").locality("us-east/a").configFile(file).build();
    OkHttpClient client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();

    for (int i = 0; i < 10; i++) {
      try (Response r = client.newCall(new Request.Builder().url("http://catalog:8080/").build()).execute()) {
        assertThat(r.body().string()).as("the entry without ports[http] is on targetPort, in the caller's zone")
            .isEqualTo("east");
      }
    }
    assertThat(west.received).isEmpty();
  }

  private static Endpoint only(Cluster cluster) {
    assertThat(cluster).isNotNull();
    assertThat(cluster.endpoints()).hasSize(1);
    return cluster.endpoints().get(0);
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
