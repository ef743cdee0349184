package io.meshlet.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.model.ClientTlsSettings;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real handshakes over loopback with certificates a MeshCa issued in the test. */
class MeshTlsTest {
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");
  static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "default", "reviews");

  final MeshCa ca = MeshCa.create("cluster.local");
  final ExecutorService accept = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    accept.shutdownNow();
  }

  /** Serves one handshake and returns the client's identity as the server saw it. */
  private Future<@Nullable SpiffeId> serveOnce(SSLServerSocket server) {
    return accept.submit(() -> {
      try (SSLSocket s = (SSLSocket) server.accept()) {
        s.startHandshake();
        s.getOutputStream().write(1);
        s.getOutputStream().flush();
        s.getInputStream().read();
        try {
          return MeshTls.peerIdentity((X509Certificate[]) s.getSession().getPeerCertificates());
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
          return null;
        }
      }
    });
  }

  private SSLServerSocket server(CertificateProvider certs) throws Exception {
    SSLServerSocket server = (SSLServerSocket) MeshTls.serverContext(certs).getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    server.setWantClientAuth(true);
    return server;
  }

  private @Nullable SpiffeId connect(SSLContext context, int port) throws Exception {
    try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      s.startHandshake();
      s.getInputStream().read();
      s.getOutputStream().write(1);
      s.getOutputStream().flush();
      return MeshTls.peerIdentity((X509Certificate[]) s.getSession().getPeerCertificates());
    }
  }

  @Test
  void bothSidesSeeTheOthersSpiffeId() throws Exception {
    CertificateProvider client = CertificateProvider.of(ca.issue(PRODUCTPAGE));
    try (SSLServerSocket server = server(CertificateProvider.of(ca.issue(REVIEWS)))) {
      Future<@Nullable SpiffeId> seen = serveOnce(server);
      SSLContext context = MeshTls.context(MeshTls.keyManager(client),
          MeshTls.expectingIdentity(MeshTls.trustManager(client), List.of(REVIEWS.uri())));
      assertThat(connect(context, server.getLocalPort())).isEqualTo(REVIEWS);
      assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(PRODUCTPAGE);
    }
  }

  @Test
  void aServerWithAnotherIdentityFailsTheHandshakeNamingBoth() throws Exception {
    CertificateProvider client = CertificateProvider.of(ca.issue(PRODUCTPAGE));
    try (SSLServerSocket server = server(CertificateProvider.of(ca.issue(REVIEWS)))) {
      serveOnce(server);
      SSLContext context = MeshTls.context(MeshTls.keyManager(client),
          MeshTls.expectingIdentity(MeshTls.trustManager(client), List.of("spiffe://cluster.local/ns/default/sa/ratings")));
      assertThatThrownBy(() -> connect(context, server.getLocalPort()))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("server identity [spiffe://cluster.local/ns/default/sa/reviews] is not one of the "
              + "expected subjectAltNames [spiffe://cluster.local/ns/default/sa/ratings]");
    }
  }

  @Test
  void aServerFromAnotherCaIsNotTrusted() throws Exception {
    CertificateProvider client = CertificateProvider.of(ca.issue(PRODUCTPAGE));
    MeshCa other = MeshCa.create("cluster.local");
    try (SSLServerSocket server = server(CertificateProvider.of(other.issue(REVIEWS)))) {
      serveOnce(server);
      assertThatThrownBy(() -> connect(MeshTls.clientContext(client), server.getLocalPort()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void aRotatedClientCertificateIsPresentedOnTheNextConnection(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("cert-chain.pem");
    Path key = dir.resolve("key.pem");
    Path roots = dir.resolve("root-cert.pem");
    Pem.write(ca.issue(PRODUCTPAGE), cert, key, roots);
    try (FileWatcherCertificateProvider files = FileWatcherCertificateProvider.builder(cert, key, roots).watch(false).build();
        SSLServerSocket server = server(CertificateProvider.of(ca.issue(REVIEWS)))) {
      SSLContext client = MeshTls.clientContext(files);
      Future<@Nullable SpiffeId> first = serveOnce(server);
      connect(client, server.getLocalPort());
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(PRODUCTPAGE);

      SpiffeId v2 = new SpiffeId("cluster.local", "default", "productpage-v2");
      Pem.write(ca.issue(v2), cert, key, roots);
      assertThat(files.refresh()).isTrue();
      Future<@Nullable SpiffeId> second = serveOnce(server);
      connect(client, server.getLocalPort());
      assertThat(second.get(10, TimeUnit.SECONDS)).as("no resumption of the old certificate's session").isEqualTo(v2);
    }
  }

  /** A trust manager that accepts every chain, so that only the identity check decides. */
  private static final X509TrustManager TRUST_ALL = new X509TrustManager() {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  };

  /**
   * Second security review: any expected SAN ending in {@code *} was a prefix, also from YAML where
   * Istio compares exactly, so {@code ["*"]} accepted every identity. Names are exact; prefixes
   * (xDS's Envoy prefix matcher) are a separate, explicit list.
   */
  @Test
  void subjectAltNamesAreExactAndPrefixesAreExplicit() throws Exception {
    X509Certificate[] reviews = ca.issue(REVIEWS).chain().toArray(X509Certificate[]::new);
    for (String star : List.of("*", "spiffe://cluster.local/ns/default/*", "spiffe://cluster.local/ns/default/sa/rev*")) {
      assertThatThrownBy(() -> MeshTls.expectingIdentity(TRUST_ALL, List.of(star)).checkServerTrusted(reviews, "EC"))
          .as(star).isInstanceOf(CertificateException.class)
          .hasMessage("server identity [spiffe://cluster.local/ns/default/sa/reviews] is not one of the expected "
              + "subjectAltNames [" + star + "]");
    }
    MeshTls.expectingIdentity(TRUST_ALL, List.of(), List.of("spiffe://cluster.local/ns/default/"))
        .checkServerTrusted(reviews, "EC");
    MeshTls.expectingIdentity(TRUST_ALL, List.of("spiffe://other"), List.of("spiffe://x/", "spiffe://cluster.local/ns/default/sa/rev"))
        .checkServerTrusted(reviews, "EC");
    MeshTls.expectingIdentity(TRUST_ALL, List.of(REVIEWS.uri()), List.of()).checkServerTrusted(reviews, "EC");
    assertThatThrownBy(() -> MeshTls.expectingIdentity(TRUST_ALL, List.of("spiffe://a"), List.of("spiffe://cluster.local/ns/prod/"))
        .checkServerTrusted(reviews, "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessage("server identity [spiffe://cluster.local/ns/default/sa/reviews] is not one of the expected "
            + "subjectAltNames [spiffe://a, prefix spiffe://cluster.local/ns/prod/]");
    assertThatThrownBy(() -> MeshTls.expectingIdentity(TRUST_ALL, List.of(), List.of("")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientTlsSettings.istioMutual(List.of(), List.of(""), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("subjectAltNamePrefixes: '' (expected: a non-empty prefix)");
  }

  /** Security review: a SPIFFE id spelled in a DNS SAN was taken as the peer's identity; only URI SANs count. */
  @Test
  void theSpiffeIdentityComesFromUriSansOnly() throws Exception {
    X509Certificate dnsFirst = selfSigned(new GeneralName(GeneralName.dNSName, "spiffe.cluster.local"),
        new GeneralName(GeneralName.uniformResourceIdentifier, REVIEWS.uri()));
    assertThat(MeshTls.identity(dnsFirst)).isEqualTo(REVIEWS);
    X509Certificate dnsOnly = selfSigned(new GeneralName(GeneralName.dNSName, "spiffe://cluster.local/ns/default/sa/admin"));
    assertThat(MeshTls.identity(dnsOnly)).isNull();
    X509Certificate both = selfSigned(new GeneralName(GeneralName.dNSName, "spiffe://cluster.local/ns/default/sa/admin"),
        new GeneralName(GeneralName.uniformResourceIdentifier, REVIEWS.uri()));
    assertThat(MeshTls.peerIdentity(new X509Certificate[] {both})).isEqualTo(REVIEWS);
  }

  private static X509Certificate selfSigned(GeneralName... names) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    KeyPair keys = g.generateKeyPair();
    X500Principal subject = new X500Principal("O=test");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), subject, keys.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }
}
