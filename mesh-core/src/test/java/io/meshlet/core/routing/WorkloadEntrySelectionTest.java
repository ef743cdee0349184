package io.meshlet.core.routing;

import static io.meshlet.core.MeshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.lb.Endpoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Istio's rule for a ServiceEntry's {@code workloadSelector}, as the compiler applies it: the
 * WorkloadEntries of the ServiceEntry's namespace carrying every selector label, in name order; the
 * port of each is its {@code ports[<port name>]}, else the port's targetPort, else its number.
 */
class WorkloadEntrySelectionTest {
  @TempDir Path dir;

  private static final String ENTRIES = """
      apiVersion: networking.istio.io/v1
      kind: WorkloadEntry
      metadata: {name: b-vm}
      spec: {address: 10.0.0.2, labels: {app: db, role: replica}, weight: 4, locality: us-east/b}
      ---
      apiVersion: networking.istio.io/v1
      kind: WorkloadEntry
      metadata: {name: a-vm}
      spec: {address: 10.0.0.1, ports: {sql: 15432, admin: 19000}, labels: {app: db, role: primary}}
      ---
      apiVersion: networking.istio.io/v1
      kind: WorkloadEntry
      metadata: {name: c-vm, namespace: other}
      spec: {address: 10.0.0.3, labels: {app: db}}
      ---
      apiVersion: networking.istio.io/v1
      kind: WorkloadEntry
      metadata: {name: d-vm}
      spec: {address: db-4.vms.example.com, labels: {app: db}}
      ---
      apiVersion: networking.istio.io/v1
      kind: WorkloadEntry
      metadata: {name: e-vm}
      spec: {address: "unix:///var/run/db.sock", labels: {app: db}}
      ---
      apiVersion: networking.istio.io/v1
      kind: WorkloadEntry
      metadata: {name: f-vm}
      spec: {address: 10.0.0.6, labels: {app: cache}}
      ---
      """;

  private static String se(String name, String resolution, String selector) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: %s}
        spec:
          hosts: [%s.vms]
          location: MESH_INTERNAL
          resolution: %s
          ports: [{number: 5432, name: sql, targetPort: 6432}, {number: 9000, name: admin}]
          workloadSelector: %s
        ---
        """.formatted(name, name, resolution, selector);
  }

  private Mesh mesh(String yaml) {
    return Mesh.builder().workload("app").namespace("default").configFile(write(dir.resolve("mesh.yaml"), yaml)).build();
  }

  private static List<String> endpoints(Mesh mesh, String cluster) {
    Cluster c = mesh.routeTable().cluster(cluster);
    assertThat(c).as(cluster).isNotNull();
    return c.endpoints().stream().map(Endpoint::hostPort).toList();
  }

  @Test
  void selectsByNamespaceAndLabelsInNameOrderWithIstiosPortRule() {
    try (Mesh mesh = mesh(ENTRIES + se("db", "STATIC", "{labels: {app: db}}"))) {
      assertThat(endpoints(mesh, "outbound|5432||db.vms"))
          .as("a-vm's own port, b-vm on targetPort; other namespace, host name, unix socket and other app left out")
          .containsExactly("10.0.0.1:15432", "10.0.0.2:6432");
      assertThat(endpoints(mesh, "outbound|9000||db.vms")).as("no targetPort: the port's number")
          .containsExactly("10.0.0.1:19000", "10.0.0.2:9000");
      Endpoint b = mesh.routeTable().cluster("outbound|5432||db.vms").endpoints().get(1);
      assertThat(b.weight()).isEqualTo(4);
      assertThat(b.locality()).isEqualTo("us-east/b");
      assertThat(b.labels()).containsEntry("role", "replica").containsEntry("service.istio.io/workload-name", "b-vm");
      assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).contains(
          "ServiceEntry db (" + dir.resolve("mesh.yaml") + "): workloadSelector: WorkloadEntry default/d-vm: address "
              + "'db-4.vms.example.com' is a host name, which only a ServiceEntry with resolution DNS takes "
              + "(this one is STATIC); left out");
    }
  }

  @Test
  void moreLabelsSelectFewerEntriesAndNoLabelsSelectTheNamespace() {
    try (Mesh mesh = mesh(ENTRIES + se("primary", "STATIC", "{labels: {app: db, role: primary}}")
        + se("all", "STATIC", "{}"))) {
      assertThat(endpoints(mesh, "outbound|5432||primary.vms")).containsExactly("10.0.0.1:15432");
      assertThat(endpoints(mesh, "outbound|5432||all.vms")).containsExactly("10.0.0.1:15432", "10.0.0.2:6432", "10.0.0.6:6432");
    }
  }

  @Test
  void aDnsServiceEntryTakesHostNamesAndNeverFallsBackToItsOwnHost() {
    try (Mesh mesh = mesh(ENTRIES + se("db", "DNS", "{labels: {app: db}}") + se("none", "DNS", "{labels: {app: nothing}}"))) {
      assertThat(endpoints(mesh, "outbound|5432||db.vms"))
          .containsExactly("10.0.0.1:15432", "10.0.0.2:6432", "db-4.vms.example.com:6432");
      assertThat(endpoints(mesh, "outbound|5432||none.vms")).as("a selector that selects nothing gives no endpoint, as in Istio")
          .isEmpty();
    }
  }

  @Test
  void anEntryEditedAloneChangesTheEndpoints() {
    Path file = write(dir.resolve("mesh.yaml"), ENTRIES + se("db", "STATIC", "{labels: {app: db}}"));
    try (Mesh mesh = Mesh.builder().workload("app").namespace("default").configFile(file)
        .pollInterval(java.time.Duration.ofMillis(20)).build()) {
      assertThat(endpoints(mesh, "outbound|5432||db.vms")).containsExactly("10.0.0.1:15432", "10.0.0.2:6432");
      long version = mesh.snapshot().version();
      write(file, ENTRIES.replace("10.0.0.2, labels: {app: db, role: replica}", "10.0.0.9, labels: {app: db, role: replica}")
          + se("db", "STATIC", "{labels: {app: db}}"));
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
          .until(() -> mesh.snapshot().version() > version);
      assertThat(endpoints(mesh, "outbound|5432||db.vms")).containsExactly("10.0.0.1:15432", "10.0.0.9:6432");
    }
  }

  @Test
  void aSelectorMeansNothingWithoutEntries() {
    try (Mesh mesh = mesh(se("db", "STATIC", "{labels: {app: db}}"))) {
      assertThat(endpoints(mesh, "outbound|5432||db.vms")).isEmpty();
    }
  }
}
