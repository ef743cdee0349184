package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.Mesh;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.identity.FileWatcherCertificateProvider;
import io.meshlet.core.identity.KeyMaterial;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.identity.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS end to end with real handshakes: productpage calls reviews (Jetty 12 with the mesh's
 * server context and MeshServletFilter) through MeshInterceptor, with certificates a MeshCa issued
 * into files as istio-agent writes them.
 */
class MutualTlsTest {
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");
  static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "default", "reviews");

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("cluster.local");
  Mesh reviews;
  TlsJetty jetty;
  Mesh productpage;
  OkHttpClient client;
  Path clientCert;
  Path clientKey;
  Path roots;

  @BeforeEach
  void start() throws Exception {
    Path server = Files.createDirectories(dir.resolve("reviews"));
    Pem.write(ca.issue(REVIEWS), server.resolve("cert-chain.pem"), server.resolve("key.pem"), server.resolve("root-cert.pem"));
    reviews = Mesh.builder().workload("reviews")
        .certificateFiles(server.resolve("cert-chain.pem"), server.resolve("key.pem"), server.resolve("root-cert.pem"))
        .build();
    jetty = new TlsJetty(reviews);

    clientCert = dir.resolve("cert-chain.pem");
    clientKey = dir.resolve("key.pem");
    roots = dir.resolve("root-cert.pem");
    Pem.write(ca.issue(PRODUCTPAGE), clientCert, clientKey, roots);
  }

  @AfterEach
  void stop() throws Exception {
    if (productpage != null) {
      productpage.close();
    }
    jetty.close();
    reviews.close();
  }

  /** reviews at {@code port} with DestinationRule {@code trafficPolicy.tls} set to {@code tls}, a YAML mapping. */
  private Path config(int port, String tls) throws IOException {
    return Files.writeString(dir.resolve("reviews.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            tls: %s
        """.formatted(port, tls));
  }

  /** The productpage mesh with reviews' DestinationRule tls set to {@code tls} (YAML), and a client through it. */
  private void productpage(String tls, int port) throws IOException {
    productpage = Mesh.builder().workload("productpage")
        .certificateFiles(clientCert, clientKey, roots)
        .configFile(config(port, tls))
        .build();
    client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(productpage)).build();
  }

  private String get(String url) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      assertThat(r.code()).as(url).isEqualTo(200);
      return r.body().string();
    }
  }

  @Test
  void istioMutualCallsGoOverTlsAndTheServerSeesTheCallersIdentity() throws IOException {
    productpage("{mode: ISTIO_MUTUAL}", jetty.tlsPort());
    assertThat(get("http://reviews:9080/reviews/1"))
        .startsWith("peer=spiffe://cluster.local/ns/default/sa/productpage secure=true");

    productpage.close();
    productpage("{mode: ISTIO_MUTUAL, subjectAltNames: [\"" + REVIEWS.uri() + "\"]}", jetty.tlsPort());
    assertThat(get("http://reviews:9080/reviews/1")).as("the expected identity")
        .startsWith("peer=spiffe://cluster.local/ns/default/sa/productpage secure=true");
  }

  @Test
  void aServerWithAnotherIdentityFailsTheCallNamingExpectedAndPresented() throws IOException {
    productpage("{mode: ISTIO_MUTUAL, subjectAltNames: [\"spiffe://cluster.local/ns/default/sa/ratings\"]}", jetty.tlsPort());
    assertThatThrownBy(() -> get("http://reviews:9080/reviews/1"))
        .isInstanceOfSatisfying(MeshRoutingException.class, e -> assertThat(e.responseFlag()).isEqualTo(ResponseFlag.UF))
        .hasMessageContaining("server identity [spiffe://cluster.local/ns/default/sa/reviews] is not one of the expected "
            + "subjectAltNames [spiffe://cluster.local/ns/default/sa/ratings]")
        .hasMessageEndingWith("(UF)");
  }

  @Test
  void withoutDestinationRuleTlsTheCallStaysPlaintext() throws IOException {
    productpage("{mode: DISABLE}", jetty.plainPort());
    assertThat(get("http://reviews:9080/reviews/1")).startsWith("peer=none secure=false");
  }

  @Test
  void simpleTlsVerifiesTheServerAgainstTheGivenRootsAndPresentsNoCertificate() throws IOException {
    productpage("{mode: SIMPLE, caCertificates: '%s', subjectAltNames: [\"%s\"]}".formatted(roots, REVIEWS.uri()),
        jetty.tlsPort());
    assertThat(get("http://reviews:9080/reviews/1")).startsWith("peer=none secure=true");
  }

  @Test
  void mutualTlsPresentsTheCertificateFromTheSettingsFiles() throws IOException {
    Path other = Files.createDirectories(dir.resolve("other"));
    SpiffeId gateway = new SpiffeId("cluster.local", "istio-system", "egress");
    Pem.write(ca.issue(gateway), other.resolve("cert.pem"), other.resolve("key.pem"), other.resolve("ca.pem"));
    productpage("""
        {mode: MUTUAL, clientCertificate: '%s', privateKey: '%s', caCertificates: '%s', subjectAltNames: ["%s"]}"""
        .formatted(other.resolve("cert.pem"), other.resolve("key.pem"), other.resolve("ca.pem"), REVIEWS.uri()),
        jetty.tlsPort());
    assertThat(get("http://reviews:9080/reviews/1")).startsWith("peer=" + gateway.uri() + " secure=true");
  }

  @Test
  void rotatedCertificateFilesArePresentedOnTheNextConnectionAndAHalfWrittenFileIsIgnored() throws IOException {
    productpage("{mode: ISTIO_MUTUAL}", jetty.tlsPort());
    FileWatcherCertificateProvider files = (FileWatcherCertificateProvider) productpage.certificates().orElseThrow();
    assertThat(get("http://reviews:9080/reviews/1")).startsWith("peer=" + PRODUCTPAGE.uri());

    SpiffeId v2 = new SpiffeId("cluster.local", "default", "productpage-v2");
    KeyMaterial next = ca.issue(v2);
    String chain = Pem.encode(next.chain());
    Files.writeString(clientCert, chain.substring(0, chain.length() / 2));
    assertThat(files.refresh()).as("a half-written certificate is not used").isFalse();
    client.connectionPool().evictAll();
    assertThat(get("http://reviews:9080/reviews/1")).startsWith("peer=" + PRODUCTPAGE.uri());

    Pem.write(next, clientCert, clientKey, roots);
    assertThat(files.refresh()).isTrue();
    assertThat(get("http://reviews:9080/reviews/1")).as("a pooled connection keeps its handshake")
        .startsWith("peer=" + PRODUCTPAGE.uri());
    client.connectionPool().evictAll();
    assertThat(get("http://reviews:9080/reviews/1")).as("a new connection presents the new certificate")
        .startsWith("peer=" + v2.uri());
  }

  @Test
  void istioMutualWithoutMeshCertificatesFailsTheCallSayingSo() throws IOException {
    productpage = Mesh.builder().workload("productpage")
        .configFile(config(jetty.tlsPort(), "{mode: ISTIO_MUTUAL}"))
        .build();
    client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(productpage)).build();
    assertThatThrownBy(() -> get("http://reviews:9080/reviews/1"))
        .isInstanceOf(MeshRoutingException.class)
        .hasMessage("outbound|9080||reviews.default.svc.cluster.local: DestinationRule tls mode ISTIO_MUTUAL but the mesh "
            + "has no certificates (expected: Mesh.builder().certificates(...), certificateFiles(...) or an xDS bootstrap "
            + "with certificate_providers.default) (UF)");
  }

  @Test
  void aCallerWithoutClientCertificateHasNoPeerIdentity() throws IOException {
    // Plain OkHttp trusting the mesh roots, no client certificate: the server wants but does not need one.
    var trust = MeshTls.trustManager(List.of(ca.root()));
    OkHttpClient noCert = new OkHttpClient.Builder()
        .sslSocketFactory(MeshTls.context(null, trust).getSocketFactory(), trust)
        .hostnameVerifier((host, session) -> true)
        .build();
    try (Response r = noCert.newCall(new Request.Builder().url("https://127.0.0.1:" + jetty.tlsPort() + "/x").build()).execute()) {
      assertThat(r.body().string()).startsWith("peer=none secure=true");
    }
  }
}
