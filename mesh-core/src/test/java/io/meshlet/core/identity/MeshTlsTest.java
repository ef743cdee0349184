package io.meshlet.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
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
}
