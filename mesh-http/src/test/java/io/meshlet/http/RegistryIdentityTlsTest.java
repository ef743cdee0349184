package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.pipeline.ResponseFlag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ISTIO_MUTUAL} without DestinationRule {@code subjectAltNames} expects, as istiod does, the
 * identities the registry knows for the service: the ServiceEntry's {@code subjectAltNames} and its
 * endpoints' service accounts (inline or of the selected WorkloadEntries), as SPIFFE ids in the trust
 * domain of the caller's own certificate. Real handshakes with a reviews server (Jetty, MeshCa
 * certificate for {@code sa/reviews}) behind MeshInterceptor.
 */
class RegistryIdentityTlsTest {
  static final SpiffeId PRODUCTPAGE = new SpiffeId("example.org", "bookinfo", "productpage");
  static final SpiffeId REVIEWS = new SpiffeId("example.org", "bookinfo", "reviews");
  static final String RATINGS_URI = "spiffe://example.org/ns/bookinfo/sa/ratings";

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("example.org");
  Mesh reviews;
  TlsJetty jetty;
  Mesh productpage;
  OkHttpClient client;

  @BeforeEach
  void start() throws Exception {
    Path server = Files.createDirectories(dir.resolve("reviews"));
    Pem.write(ca.issue(REVIEWS), server.resolve("cert-chain.pem"), server.resolve("key.pem"), server.resolve("root-cert.pem"));
    reviews = Mesh.builder().workload("reviews").namespace("bookinfo")
        .certificateFiles(server.resolve("cert-chain.pem"), server.resolve("key.pem"), server.resolve("root-cert.pem"))
        .build();
    jetty = new TlsJetty(reviews);
  }

  @AfterEach
  void stop() throws Exception {
    if (productpage != null) {
      productpage.close();
    }
    jetty.close();
    reviews.close();
  }

  /** productpage, whose config is {@code yaml} with {@code %d} the server's TLS port. */
  private void productpage(String yaml) throws IOException {
    if (productpage != null) {
      productpage.close();
    }
    Path certs = Files.createDirectories(dir.resolve("productpage"));
    Pem.write(ca.issue(PRODUCTPAGE), certs.resolve("cert-chain.pem"), certs.resolve("key.pem"), certs.resolve("root-cert.pem"));
    Path config = Files.writeString(dir.resolve("config.yaml"), yaml.replace("PORT", Integer.toString(jetty.tlsPort())));
    productpage = Mesh.builder().workload("productpage").namespace("bookinfo")
        .certificateFiles(certs.resolve("cert-chain.pem"), certs.resolve("key.pem"), certs.resolve("root-cert.pem"))
        .configFile(config)
        .build();
    client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(productpage)).build();
  }

  /** reviews with one endpoint carrying {@code endpointFields} (YAML flow entries), ISTIO_MUTUAL with {@code drTls} extra. */
  private static String inline(String seFields, String endpointFields, String drTls) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 127.0.0.1, ports: {http: PORT}%s}]
          %s
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          host: reviews
          trafficPolicy: {tls: {mode: ISTIO_MUTUAL%s}}
        """.formatted(endpointFields, seFields, drTls);
  }

  private String get() throws IOException {
    try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/r").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    }
  }

  @Test
  void aServerCarryingTheEndpointsServiceAccountIsReached() throws IOException {
    productpage(inline("", ", serviceAccount: reviews", ""));
    assertThat(productpage.routeTable().cluster("outbound|9080||reviews.bookinfo.svc.cluster.local").tls().registry()
        .serviceAccounts()).containsExactly("bookinfo/reviews");
    assertThat(get()).startsWith("peer=" + PRODUCTPAGE.uri() + " secure=true");
  }

  @Test
  void aServerWithAnotherMeshIdentityFailsWithUfNamingTheExpectedSpiffeId() throws IOException {
    productpage(inline("", ", serviceAccount: ratings", ""));
    assertThatThrownBy(this::get)
        .isInstanceOfSatisfying(MeshRoutingException.class, e -> assertThat(e.responseFlag()).isEqualTo(ResponseFlag.UF))
        .hasMessageContaining("server identity [" + REVIEWS.uri() + "] is not one of the expected subjectAltNames ["
            + RATINGS_URI + "]")
        .hasMessageEndingWith("(UF)");
  }

  @Test
  void theServiceEntrysSubjectAltNamesCountBesideTheServiceAccounts() throws IOException {
    productpage(inline("subjectAltNames: [\"" + REVIEWS.uri() + "\"]", ", serviceAccount: ratings", ""));
    assertThat(get()).startsWith("peer=" + PRODUCTPAGE.uri());

    productpage(inline("subjectAltNames: [\"spiffe://example.org/ns/bookinfo/sa/details\"]", "", ""));
    assertThatThrownBy(this::get).hasMessageContaining(
        "is not one of the expected subjectAltNames [spiffe://example.org/ns/bookinfo/sa/details]");
  }

  @Test
  void withNoIdentityKnownAnyIdentityTheMeshRootsTrustIsAccepted() throws IOException {
    productpage(inline("", "", ""));
    assertThat(productpage.routeTable().cluster("outbound|9080||reviews.bookinfo.svc.cluster.local").tls().registry()
        .isEmpty()).isTrue();
    assertThat(get()).startsWith("peer=" + PRODUCTPAGE.uri() + " secure=true");
  }

  @Test
  void destinationRuleSubjectAltNamesStillWin() throws IOException {
    productpage(inline("", ", serviceAccount: ratings", ", subjectAltNames: [\"" + REVIEWS.uri() + "\"]"));
    assertThat(get()).startsWith("peer=" + PRODUCTPAGE.uri());

    productpage(inline("", ", serviceAccount: reviews", ", subjectAltNames: [\"" + RATINGS_URI + "\"]"));
    assertThatThrownBy(this::get).hasMessageContaining("is not one of the expected subjectAltNames [" + RATINGS_URI + "]");
  }

  @Test
  void selectedWorkloadEntriesGiveTheirServiceAccounts() throws IOException {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          workloadSelector: {labels: {app: reviews}}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: reviews-vm, namespace: bookinfo}
        spec: {address: 127.0.0.1, ports: {http: PORT}, labels: {app: reviews}, serviceAccount: SA}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          host: reviews
          trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
        """;
    productpage(yaml.replace("SA", "reviews"));
    assertThat(get()).startsWith("peer=" + PRODUCTPAGE.uri());

    productpage(yaml.replace("SA", "ratings"));
    assertThatThrownBy(this::get).hasMessageContaining("is not one of the expected subjectAltNames [" + RATINGS_URI + "]");
  }
}
