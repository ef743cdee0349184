package io.meshlet.grpc;

import static io.meshlet.grpc.GrpcMeshes.failure;
import static io.meshlet.grpc.GrpcMeshes.who;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.meshlet.core.Mesh;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.identity.SpiffeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC channels apply the same rule as OkHttp (mesh-core's ClientTls): {@code ISTIO_MUTUAL} without
 * {@code subjectAltNames} expects the endpoints' service accounts. A real grpc-java server with the
 * mesh's credentials for {@code sa/reviews}, real handshakes.
 */
class RegistryIdentityGrpcTest {
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");
  static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "default", "reviews");

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("cluster.local");
  final List<AutoCloseable> closing = new ArrayList<>();
  GrpcBackend reviews;

  @BeforeEach
  void start() throws Exception {
    Path[] certs = certificates(REVIEWS);
    Mesh mesh = Mesh.builder().workload("reviews").namespace("default")
        .certificateFiles(certs[0], certs[1], certs[2]).build();
    closing.add(mesh);
    reviews = new GrpcBackend("reviews", MeshGrpc.serverCredentials(mesh), MeshGrpc.serverInterceptor(mesh));
    closing.add(reviews);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private Path[] certificates(SpiffeId id) throws Exception {
    Path d = Files.createDirectories(dir.resolve(id.serviceAccount()));
    Path[] files = {d.resolve("cert-chain.pem"), d.resolve("key.pem"), d.resolve("root-cert.pem")};
    Pem.write(ca.issue(id), files[0], files[1], files[2]);
    return files;
  }

  /** productpage's channel to reviews, whose one endpoint has {@code endpointFields}; DR ISTIO_MUTUAL, no subjectAltNames. */
  private ManagedChannel caller(String endpointFields) throws Exception {
    Path config = Files.writeString(dir.resolve("productpage-" + closing.size() + ".yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: grpc, protocol: GRPC}]
          endpoints: [{address: 127.0.0.1, ports: {grpc: %d}%s}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
        """.formatted(reviews.port(), endpointFields));
    Path[] certs = certificates(PRODUCTPAGE);
    Mesh mesh = Mesh.builder().workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configFile(config).certificateFiles(certs[0], certs[1], certs[2]).build();
    closing.add(mesh);
    ManagedChannel channel = MeshGrpc.newChannelBuilder(mesh, "reviews:9080").build();
    closing.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  @Test
  void theEndpointsServiceAccountIsTheIdentityExpected() throws Exception {
    assertThat(who(caller(", serviceAccount: reviews"))).isEqualTo("reviews");
    assertThat(reviews.hits()).isEqualTo(1);
  }

  @Test
  void aServerWithAnotherMeshIdentityFailsWithUfNamingTheExpectedSan() throws Exception {
    ManagedChannel productpage = caller(", serviceAccount: ratings");
    StatusRuntimeException e = failure(() -> who(productpage));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription())
        .contains("TLS: server identity [" + REVIEWS.uri() + "] is not one of the expected subjectAltNames "
            + "[spiffe://cluster.local/ns/default/sa/ratings]")
        .endsWith("(UF)");
    assertThat(reviews.hits()).isZero();
  }

  @Test
  void withoutServiceAccountsAnyMeshIdentityIsAccepted() throws Exception {
    assertThat(who(caller(""))).isEqualTo("reviews");
  }
}
