package io.meshlet.grpc;

import static io.meshlet.grpc.GrpcMeshes.failure;
import static io.meshlet.grpc.GrpcMeshes.who;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.meshlet.core.Mesh;
import io.meshlet.core.identity.FileWatcherCertificateProvider;
import io.meshlet.core.identity.KeyMaterial;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.security.InboundDecision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS, PeerAuthentication and AuthorizationPolicy on gRPC: real grpc-java servers with the
 * mesh's credentials and interceptor, real TLS handshakes with certificates issued in the test.
 */
class MeshGrpcSecurityTest {
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");
  static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "default", "reviews");
  static final SpiffeId RATINGS = new SpiffeId("cluster.local", "default", "ratings");

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("cluster.local");
  final List<AutoCloseable> closing = new ArrayList<>();
  GrpcBackend reviews;
  Mesh reviewsMesh;
  Path reviewsConfig;

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  /** Certificate files for {@code id} as istio-agent writes them, watched by a provider the mesh owns. */
  private Path[] certificates(SpiffeId id) throws Exception {
    Path d = Files.createDirectories(dir.resolve(id.serviceAccount()));
    Path[] files = {d.resolve("cert-chain.pem"), d.resolve("key.pem"), d.resolve("root-cert.pem")};
    Pem.write(ca.issue(id), files[0], files[1], files[2]);
    return files;
  }

  /** The reviews workload: its policies in {@code policies}, served over mesh mTLS (or plaintext) with the mesh interceptor. */
  private void startReviews(String policies, boolean tls) throws Exception {
    reviewsConfig = dir.resolve("reviews.yaml");
    Files.writeString(reviewsConfig, policies.isEmpty() ? "" : policies);
    Path[] certs = certificates(REVIEWS);
    reviewsMesh = Mesh.builder().workload("reviews").namespace("default").labels(Map.of("app", "reviews"))
        .configFile(reviewsConfig).certificateFiles(certs[0], certs[1], certs[2])
        .pollInterval(java.time.Duration.ofMillis(50)).build();
    closing.add(reviewsMesh);
    ServerCredentials credentials = tls ? MeshGrpc.serverCredentials(reviewsMesh) : InsecureServerCredentials.create();
    reviews = new GrpcBackend("reviews", credentials, MeshGrpc.serverInterceptor(reviewsMesh));
    closing.add(reviews);
  }

  /** A caller workload whose config sends reviews calls to the server with DestinationRule {@code tls}. */
  private ManagedChannel caller(SpiffeId id, String tls) throws Exception {
    Path config = dir.resolve(id.serviceAccount() + ".yaml");
    Files.writeString(config, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: grpc, protocol: GRPC}]
          endpoints: [{address: 127.0.0.1, ports: {grpc: %d}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            tls: %s
        """.formatted(reviews.port(), tls));
    Path[] certs = certificates(id);
    Mesh mesh = Mesh.builder().workload(id.serviceAccount()).namespace("default").labels(Map.of("app", id.serviceAccount()))
        .configFile(config).certificateFiles(certs[0], certs[1], certs[2]).build();
    closing.add(mesh);
    ManagedChannel channel = MeshGrpc.newChannelBuilder(mesh, "reviews:9080").build();
    closing.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  private SpiffeId lastPeer() {
    synchronized (reviews.contexts) {
      Context c = reviews.contexts.get(reviews.contexts.size() - 1);
      return MeshGrpc.PEER_IDENTITY.get(c);
    }
  }

  private static String strict() {
    return """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: default}
        spec: {mtls: {mode: STRICT}}
        """;
  }

  @Test
  void istioMutualCarriesTheCallersIdentityToTheService() throws Exception {
    startReviews(strict(), true);
    ManagedChannel productpage = caller(PRODUCTPAGE, "{mode: ISTIO_MUTUAL, subjectAltNames: [\"" + REVIEWS.uri() + "\"]}");
    assertThat(who(productpage)).isEqualTo("reviews");
    assertThat(lastPeer()).isEqualTo(PRODUCTPAGE);
    synchronized (reviews.contexts) {
      InboundDecision d = MeshGrpc.INBOUND_DECISION.get(reviews.contexts.get(0));
      assertThat(d.allowed()).isTrue();
      assertThat(d.mtls().name()).isEqualTo("STRICT");
    }
  }

  @Test
  void aServerWithTheWrongIdentityFailsTheHandshakeWithUfNamingBoth() throws Exception {
    startReviews("", true);
    ManagedChannel productpage = caller(PRODUCTPAGE, "{mode: ISTIO_MUTUAL, subjectAltNames: [\"" + RATINGS.uri() + "\"]}");
    StatusRuntimeException e = failure(() -> who(productpage));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription())
        .startsWith("try 3 to outbound|9080||reviews.default.svc.cluster.local")
        .contains("connect-failure (TLS: server identity [" + REVIEWS.uri() + "] is not one of the expected subjectAltNames ["
            + RATINGS.uri() + "])")
        .endsWith("(UF)");
    assertThat(e.getTrailers().get(MeshGrpc.RESPONSE_FLAGS)).as("Istio's default retries ran out").isEqualTo("UF,URX");
    assertThat(reviews.hits()).isZero();
  }

  @Test
  void strictRefusesAPlaintextCallerWithPermissionDenied() throws Exception {
    startReviews(strict(), false);
    ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", reviews.port()).usePlaintext().build();
    closing.add(plaintext::shutdownNow);
    StatusRuntimeException e = failure(() -> who(plaintext));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getStatus().getDescription()).isEqualTo("RBAC: access denied");
    assertThat(reviews.hits()).as("never reaches the service").isZero();
  }

  @Test
  void authorizationPolicyAllowsAndDeniesByFullMethodNameAndPrincipal() throws Exception {
    startReviews(strict() + """
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: reviews-viewers, namespace: default}
        spec:
          selector: {matchLabels: {app: reviews}}
          action: ALLOW
          rules:
          - from: [{source: {principals: ["cluster.local/ns/default/sa/productpage"]}}]
            to: [{operation: {methods: [POST], paths: ["/test.Echo/Who"]}}]
        """, true);
    String tls = "{mode: ISTIO_MUTUAL}";
    ManagedChannel productpage = caller(PRODUCTPAGE, tls);
    ManagedChannel ratings = caller(RATINGS, tls);
    assertThat(who(productpage)).isEqualTo("reviews");
    StatusRuntimeException admin = failure(() -> GrpcMeshes.call(productpage, Echo.ADMIN, CallOptions.DEFAULT));
    assertThat(admin.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(admin.getStatus().getDescription()).isEqualTo("RBAC: access denied");
    StatusRuntimeException other = failure(() -> who(ratings));
    assertThat(other.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(reviews.hits()).isEqualTo(1);

    // A live edit: ratings may call too.
    String edited = Files.readString(reviewsConfig).replace("principals: [\"cluster.local/ns/default/sa/productpage\"]",
        "principals: [\"cluster.local/ns/default/sa/productpage\", \"cluster.local/ns/default/sa/ratings\"]");
    Path tmp = dir.resolve("reviews.tmp");
    Files.writeString(tmp, edited);
    Files.move(tmp, reviewsConfig, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(50))
        .ignoreExceptions().until(() -> who(ratings).equals("reviews"));
    assertThat(lastPeer()).isEqualTo(RATINGS);
  }

  @Test
  void aDenyPolicyOnAMethodWinsOverAllow() throws Exception {
    startReviews("""
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: no-admin, namespace: default}
        spec:
          action: DENY
          rules: [{to: [{operation: {paths: ["/test.Echo/Admin"]}}]}]
        """, true);
    ManagedChannel productpage = caller(PRODUCTPAGE, "{mode: ISTIO_MUTUAL}");
    assertThat(who(productpage)).isEqualTo("reviews");
    assertThat(failure(() -> GrpcMeshes.call(productpage, Echo.ADMIN, CallOptions.DEFAULT)).getStatus().getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(reviewsMesh.explainInbound(inbound(PRODUCTPAGE, "/test.Echo/Admin")).decision().reason()).contains("no-admin");
  }

  @Test
  void aServerSideRateLimitClosesWithResourceExhaustedAndRl() throws Exception {
    startReviews("""
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: RateLimit
        metadata: {name: reviews-inbound}
        spec:
          workloadSelector: {labels: {app: reviews}}
          limitForPeriod: 2
          limitRefreshPeriod: 1h
        """, true);
    ManagedChannel productpage = caller(PRODUCTPAGE, "{mode: ISTIO_MUTUAL}");
    assertThat(who(productpage)).isEqualTo("reviews");
    assertThat(who(productpage)).isEqualTo("reviews");
    StatusRuntimeException e = failure(() -> who(productpage));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).startsWith("local rate limit: ").endsWith("(RL)");
    assertThat(e.getTrailers().get(MeshGrpc.RESPONSE_FLAGS)).isEqualTo("RL");
    assertThat(reviews.hits()).isEqualTo(2);
  }

  @Test
  void aRotatedClientCertificateIsPresentedOnTheNextConnection() throws Exception {
    startReviews("", true);
    ManagedChannel productpage = caller(PRODUCTPAGE, "{mode: ISTIO_MUTUAL}");
    assertThat(who(productpage)).isEqualTo("reviews");
    assertThat(lastPeer()).isEqualTo(PRODUCTPAGE);

    SpiffeId v2 = new SpiffeId("cluster.local", "default", "productpage-v2");
    KeyMaterial next = ca.issue(v2);
    Path d = dir.resolve(PRODUCTPAGE.serviceAccount());
    Pem.write(next, d.resolve("cert-chain.pem"), d.resolve("key.pem"), d.resolve("root-cert.pem"));
    Mesh productpageMesh = (Mesh) closing.stream().filter(c -> c instanceof Mesh && ((Mesh) c).workload().name().equals("productpage"))
        .findFirst().orElseThrow();
    assertThat(((FileWatcherCertificateProvider) productpageMesh.certificates().orElseThrow()).refresh()).isTrue();
    assertThat(who(productpage)).isEqualTo("reviews");
    assertThat(lastPeer()).as("new calls go over a new connection with a full handshake").isEqualTo(v2);
  }

  @Test
  void serverCredentialsNeedTheMeshsCertificates() throws Exception {
    Mesh none = Mesh.builder().workload("reviews").build();
    closing.add(none);
    assertThatThrownBy(() -> MeshGrpc.serverCredentials(none)).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("serverCredentials: the mesh has no certificates");
  }

  /** A gRPC call as the server side's explain takes it. */
  private InboundCall inbound(SpiffeId peer, String path) {
    return new InboundCall(peer, path, reviews.port());
  }

  record InboundCall(SpiffeId peer, String path, int destinationPort) implements io.meshlet.core.security.InboundRequest {
    @Override
    public boolean secure() {
      return true;
    }

    @Override
    public String sourceAddress() {
      return "127.0.0.1";
    }

    @Override
    public String host() {
      return "reviews";
    }

    @Override
    public String method() {
      return "POST";
    }

    @Override
    public String header(String name) {
      return null;
    }
  }
}
