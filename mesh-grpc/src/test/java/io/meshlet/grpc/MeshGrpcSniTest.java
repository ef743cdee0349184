package io.meshlet.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.meshlet.core.Mesh;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.Pem;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SNI a mesh channel sends to a TLS gRPC server (DestinationRule {@code tls: SIMPLE}), as the
 * server's own TLS stack saw it in the handshake: {@code tls.sni} when set, else the destination
 * host; the call's {@code :authority} stays the channel's either way.
 */
class MeshGrpcSniTest {
  /** The destination host: the ServiceEntry's {@code reviews} as the mesh names it. */
  static final String HOST = "reviews.default.svc.cluster.local";

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("test.example");
  final List<String> sniSeen = new CopyOnWriteArrayList<>();
  GrpcMeshes meshes;
  GrpcBackend server;
  Path roots;

  @BeforeEach
  void start() throws Exception {
    meshes = new GrpcMeshes(dir);
    roots = dir.resolve("ca.pem");
    Files.writeString(roots, Pem.encode(List.of(ca.root())));
    X509KeyManager keys = MeshTls.keyManager(CertificateProvider.of(ca.issueForHosts(HOST, "origin.reviews.example")));
    ServerCredentials tls = TlsServerCredentials.newBuilder().keyManager(new RecordingSni(keys)).build();
    server = new GrpcBackend("v1-0", tls);
    meshes.backends.add(server);
  }

  @AfterEach
  void stop() throws Exception {
    meshes.close();
  }

  @Test
  void tlsSniIsSentInTheHandshakeAndTheCertificateIsCheckedAgainstIt() throws Exception {
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("tls: {mode: SIMPLE, sni: origin.reviews.example, caCertificates: '" + roots + "'}"));
    ManagedChannel channel = meshes.channel(mesh);
    assertThat(GrpcMeshes.who(channel)).isEqualTo("v1-0");
    assertThat(sniSeen).containsOnly("origin.reviews.example");
    assertThat(server.lastAuthority()).as("the call's authority is the channel's, not the SNI").isEqualTo("reviews:9080");
  }

  @Test
  void withoutSniTheDestinationHostIsSent() throws Exception {
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("tls: {mode: SIMPLE, caCertificates: '" + roots + "'}"));
    ManagedChannel channel = meshes.channel(mesh);
    assertThat(GrpcMeshes.who(channel)).isEqualTo("v1-0");
    assertThat(sniSeen).containsOnly(HOST);
    assertThat(server.lastAuthority()).isEqualTo("reviews:9080");
  }

  @Test
  void anSniTheCertificateDoesNotNameFailsTheHandshake() throws Exception {
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("tls: {mode: SIMPLE, sni: other.example, caCertificates: '" + roots + "'}"));
    ManagedChannel channel = meshes.channel(mesh);
    assertThat(GrpcMeshes.failure(() -> GrpcMeshes.who(channel)).getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
    assertThat(sniSeen).contains("other.example");
  }

  /** The server's key manager, noting the SNI of each handshake it chooses a certificate for. */
  private final class RecordingSni extends X509ExtendedKeyManager {
    private final X509KeyManager delegate;

    RecordingSni(X509KeyManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      SSLSession s = engine.getHandshakeSession();
      if (s instanceof ExtendedSSLSession e) {
        for (SNIServerName n : e.getRequestedServerNames()) {
          if (n instanceof SNIHostName h) {
            sniSeen.add(h.getAsciiName());
          }
        }
      }
      return delegate.chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }
}
