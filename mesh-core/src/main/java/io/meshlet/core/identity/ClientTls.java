package io.meshlet.core.identity;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.ServerIdentities;
import io.meshlet.core.model.WorkloadEndpoint;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * What a client presents and checks for calls under one {@code DestinationRule tls} setting, for
 * any transport (the OkHttp and gRPC adapters turn it into their own TLS configuration):
 *
 * <ul>
 *   <li>{@code ISTIO_MUTUAL}: the mesh certificate and the mesh roots, following rotation; the
 *       server must carry one of {@code subjectAltNames}; without any, one of the identities the
 *       registry knows for the destination ({@link ClientTlsSettings#registry()}: the ServiceEntry's
 *       {@code subjectAltNames} and its endpoints' service accounts as SPIFFE ids in the trust domain of
 *       the workload's own certificate); with none known, any identity the mesh roots trust.
 *   <li>{@code MUTUAL}: the {@code clientCertificate} and {@code privateKey} files; {@code SIMPLE}:
 *       no client certificate. Both trust {@code caCertificates}, or the JVM's trust store without
 *       it, and check {@code subjectAltNames}, or without any the host name ({@link #checksHostName()}:
 *       the transport checks {@code sni}, else the destination host).
 * </ul>
 *
 * <p>When the identity is checked here ({@link #checksHostName()} false), {@link #trustManager()} is
 * an {@link X509ExtendedTrustManager} that ignores the engine's endpoint identification, so a
 * transport that asks for HTTPS host name checks (gRPC's Netty does) does not check a mesh peer's
 * address against its SPIFFE certificate.
 */
public final class ClientTls {
  private final @Nullable X509KeyManager keyManager;
  private final X509TrustManager trustManager;
  private final boolean checksHostName;
  private final @Nullable String hostName;
  /** {@code tls.sni}; null: the destination host ({@link #originatesTo}) or none (ISTIO_MUTUAL). */
  private final @Nullable String sni;
  /** True for SIMPLE and MUTUAL: TLS originated to a named (often external) host, which gets its name as SNI. */
  private final boolean originatesTo;

  private ClientTls(@Nullable X509KeyManager keyManager, X509TrustManager trustManager, boolean checksHostName,
      @Nullable String hostName) {
    this(keyManager, trustManager, checksHostName, hostName, null, false);
  }

  private ClientTls(@Nullable X509KeyManager keyManager, X509TrustManager trustManager, boolean checksHostName,
      @Nullable String hostName, @Nullable String sni, boolean originatesTo) {
    this.keyManager = keyManager;
    this.trustManager = trustManager;
    this.checksHostName = checksHostName;
    this.hostName = hostName;
    this.sni = sni;
    this.originatesTo = originatesTo;
  }

  private ClientTls withServerName(@Nullable String sni, boolean originatesTo) {
    return new ClientTls(keyManager, trustManager, checksHostName, hostName, sni, originatesTo);
  }

  /**
   * The TLS of {@code tls}; {@code mesh} is the workload's certificate provider ({@code
   * ISTIO_MUTUAL} needs it). Throws with the reason when the setting cannot be used (no mesh
   * certificates, unreadable files, {@code credentialName}).
   */
  public static ClientTls of(ClientTlsSettings tls, @Nullable CertificateProvider mesh) throws IOException {
    requireNonNull(tls, "tls");
    switch (tls.mode()) {
      case ISTIO_MUTUAL:
        if (mesh == null) {
          throw new IOException("DestinationRule tls mode ISTIO_MUTUAL but the mesh has no certificates (expected: "
              + "Mesh.builder().certificates(...), certificateFiles(...) or an xDS bootstrap with certificate_providers.default)");
        }
        X509TrustManager roots = MeshTls.expectingIdentity(MeshTls.trustManager(mesh),
            tls.expectedSubjectAltNames(trustDomain(mesh)), tls.subjectAltNamePrefixes());
        return new ClientTls(MeshTls.keyManager(mesh), new NoHostCheck(roots), false, null).withServerName(tls.sni(), false);
      case MUTUAL:
      case SIMPLE:
      default:
        try {
          return files(tls).withServerName(tls.sni(), true);
        } catch (IOException | RuntimeException e) {
          throw new IOException("DestinationRule tls: " + e.getMessage(), e);
        }
    }
  }

  /**
   * The mesh's trust domain, as istiod takes {@code meshConfig.trustDomain}: that of the workload's own
   * SPIFFE certificate, else Istio's default ({@value ServerIdentities#DEFAULT_TRUST_DOMAIN}).
   */
  static String trustDomain(CertificateProvider mesh) {
    List<X509Certificate> chain = mesh.current().chain();
    SpiffeId own = chain.isEmpty() ? null : MeshTls.identity(chain.get(0));
    return own != null ? own.trustDomain() : ServerIdentities.DEFAULT_TRUST_DOMAIN;
  }

  private static ClientTls files(ClientTlsSettings tls) throws IOException {
    if (tls.credentialName() != null) {
      throw new IOException("credentialName: " + tls.credentialName()
          + " (not supported: a workload reads no Kubernetes secrets; expected: clientCertificate, privateKey, caCertificates files)");
    }
    X509KeyManager keys = null;
    if (tls.mode() == ClientTlsSettings.Mode.MUTUAL) {
      if (tls.clientCertificate() == null || tls.privateKey() == null) {
        throw new IOException("mode MUTUAL needs clientCertificate and privateKey (given: clientCertificate "
            + tls.clientCertificate() + ", privateKey " + tls.privateKey() + ")");
      }
      KeyMaterial own = new KeyMaterial(Pem.readCertificates(Path.of(tls.clientCertificate())),
          Pem.readPrivateKey(Path.of(tls.privateKey())), List.of());
      keys = MeshTls.keyManager(CertificateProvider.of(own));
    }
    if (tls.insecureSkipVerify()) {
      return new ClientTls(keys, TrustAll.INSTANCE, false, null);
    }
    String ca = tls.caCertificates();
    X509TrustManager roots = ca != null ? MeshTls.trustManager(Pem.readCertificates(Path.of(ca))) : jvmTrust();
    if (tls.expectsSubjectAltNames()) {
      X509TrustManager identity = MeshTls.expectingIdentity(roots, tls.subjectAltNames(), tls.subjectAltNamePrefixes());
      return new ClientTls(keys, new NoHostCheck(identity), false, null);
    }
    return new ClientTls(keys, roots, true, tls.sni());
  }

  /** The client certificate to present; null for none ({@code SIMPLE}). */
  public @Nullable X509KeyManager keyManager() {
    return keyManager;
  }

  /** Checks the server's chain and, unless {@link #checksHostName()}, its identity. */
  public X509TrustManager trustManager() {
    return trustManager;
  }

  /** True when the transport must check the server's certificate against {@link #hostName()} (SIMPLE or MUTUAL without subjectAltNames). */
  public boolean checksHostName() {
    return checksHostName;
  }

  /** The host name to check ({@code sni}); null for the destination host. */
  public @Nullable String hostName() {
    return hostName;
  }

  /**
   * The server name to send in the handshake (SNI) for a call to {@code destinationHost}: {@code
   * tls.sni} when given; else, for SIMPLE and MUTUAL (TLS origination, Istio's egress task), the
   * destination host; null for none (ISTIO_MUTUAL without {@code sni}; a wildcard host, whose
   * caller's own host name the transport sends; an IP literal, which SNI cannot carry). The one rule every transport applies.
   */
  public @Nullable String serverName(String destinationHost) {
    String name = sni != null ? sni : originatesTo ? destinationHost : null;
    return name == null || name.isEmpty() || name.indexOf('*') >= 0 || WorkloadEndpoint.isIpLiteral(name) ? null : name;
  }


  private static X509TrustManager jvmTrust() throws IOException {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509TrustManager) {
          return (X509TrustManager) tm;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("the JVM trust store cannot be read: " + e, e);
    }
    throw new IOException("the JVM has no X.509 trust manager");
  }

  /**
   * Chain and identity checked by {@code delegate}; the engine's or socket's endpoint identification
   * (a host name check against the address dialled) is not applied: a mesh peer is known by its
   * SPIFFE identity, not by a DNS name.
   */
  private static final class NoHostCheck extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;

    NoHostCheck(X509TrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /** {@code insecureSkipVerify}: no chain and no identity check. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    static final TrustAll INSTANCE = new TrustAll();

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
