package io.meshlet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.routing.Cluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshCertificatesTest {
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");
  /** reviews with DestinationRule tls on the host policy, on port 9443 and on subset v2. */
  static final String REVIEWS = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}, {number: 9443, name: admin, protocol: HTTP}]
        endpoints:
        - {address: 10.0.0.1, labels: {version: v1}}
        - {address: 10.0.0.2, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        trafficPolicy:
          tls: {mode: ISTIO_MUTUAL}
          portLevelSettings:
          - port: {number: 9443}
            tls: {mode: SIMPLE}
        subsets:
        - {name: v1, labels: {version: v1}}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            tls:
              mode: ISTIO_MUTUAL
              subjectAltNames: ["spiffe://cluster.local/ns/default/sa/reviews"]
      """;

  @TempDir Path dir;

  @Test
  void certificateFilesAreReadAtBuildAndClosedWithTheMesh() throws IOException {
    Path cert = dir.resolve("cert-chain.pem");
    Path key = dir.resolve("key.pem");
    Path roots = dir.resolve("root-cert.pem");
    Pem.write(MeshCa.create("cluster.local").issue(PRODUCTPAGE), cert, key, roots);
    try (Mesh mesh = Mesh.builder().workload("productpage").certificateFiles(cert, key, roots).build()) {
      assertThat(mesh.certificates()).get().satisfies(c -> assertThat(c.current().identity()).isEqualTo(PRODUCTPAGE));
    }
    try (Mesh mesh = Mesh.builder().workload("productpage").build()) {
      assertThat(mesh.certificates()).isEmpty();
    }
    assertThatThrownBy(() -> Mesh.builder().workload("p").certificateFiles(dir.resolve("x.pem"), key, roots).build())
        .hasMessage("certificate files: " + dir.resolve("x.pem") + ": no such file");
  }

  @Test
  void clustersCarryTheResolvedTlsSubsetOverHostPortOverPolicy() throws IOException {
    ClientTlsSettings mesh = ClientTlsSettings.istioMutual(List.of(), null);
    ClientTlsSettings pinned = ClientTlsSettings.istioMutual(List.of("spiffe://cluster.local/ns/default/sa/reviews"), null);
    ClientTlsSettings simple = new ClientTlsSettings(ClientTlsSettings.Mode.SIMPLE, null, null, null, null, List.of(), null, false);
    CertificateProvider certs = CertificateProvider.of(MeshCa.create("cluster.local").issue(PRODUCTPAGE));
    try (Mesh m = Mesh.builder().workload("productpage").certificates(certs)
        .configFile(Files.writeString(dir.resolve("reviews.yaml"), REVIEWS))
        .build()) {
      assertThat(m.certificates()).containsSame(certs);
      assertThat(tls(m, "outbound|9080||reviews.default.svc.cluster.local")).isEqualTo(mesh);
      assertThat(tls(m, "outbound|9080|v1|reviews.default.svc.cluster.local")).isEqualTo(mesh);
      assertThat(tls(m, "outbound|9080|v2|reviews.default.svc.cluster.local")).isEqualTo(pinned);
      assertThat(tls(m, "outbound|9443|v1|reviews.default.svc.cluster.local")).isEqualTo(simple);
      assertThat(tls(m, "outbound|9443|v2|reviews.default.svc.cluster.local")).as("the subset's own tls wins").isEqualTo(pinned);
    }
  }

  private static ClientTlsSettings tls(Mesh mesh, String cluster) {
    for (Cluster c : mesh.routeTable().clusters()) {
      if (c.name().equals(cluster)) {
        return c.tls();
      }
    }
    throw new AssertionError("no cluster " + cluster + " in " + mesh.routeTable().clusters());
  }
}
