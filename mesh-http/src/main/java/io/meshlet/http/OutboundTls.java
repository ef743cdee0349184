package io.meshlet.http;

import io.meshlet.core.ResponseFlag;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.KeyMaterial;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.routing.Cluster;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.internal.tls.OkHostnameVerifier;
import org.jspecify.annotations.Nullable;

/**
 * The TLS of calls to clusters with one {@code DestinationRule tls} setting: the socket factory
 * (certificate presented, roots trusted, identity checked) and the host name verifier OkHttp gets
 * for each such call. One instance per setting, so OkHttp's pool reuses connections across calls
 * and snapshots (its {@code Address} compares both).
 *
 * <ul>
 *   <li>{@code ISTIO_MUTUAL}: the mesh certificate and the mesh roots, following rotation; the
 *       server must carry one of {@code subjectAltNames}, or, without any, any identity the mesh
 *       roots trust (Istio would expect the endpoints' service accounts, which the model lacks).
 *   <li>{@code MUTUAL}: the {@code clientCertificate} and {@code privateKey} files; {@code SIMPLE}:
 *       no client certificate. Both trust {@code caCertificates}, or the JVM's trust store without
 *       it, and check {@code subjectAltNames}, or without any the host name ({@code sni}, else the
 *       destination host).
 * </ul>
 */
final class OutboundTls {
  private static final HostnameVerifier IDENTITY_CHECKED = new IdentityChecked();

  final SSLSocketFactory socketFactory;
  final X509TrustManager trustManager;
  private final @Nullable String verifiedHost;
  private final boolean checkHost;
  /** Stops following the mesh provider's rotation (removes its listener); a no-op for file-based TLS. */
  private final Runnable unfollow;

  private OutboundTls(SSLContext context, X509TrustManager trustManager, boolean checkHost, @Nullable String host,
      Runnable unfollow) {
    this.socketFactory = context.getSocketFactory();
    this.trustManager = trustManager;
    this.checkHost = checkHost;
    this.verifiedHost = host;
    this.unfollow = unfollow;
  }

  /** Drops this TLS setting's hold on the mesh's certificate provider; calls already using it still work. */
  void close() {
    unfollow.run();
  }

  /** The verifier for a call to {@code cluster}; equal verifiers for equal hosts, so pooled connections match. */
  HostnameVerifier verifier(Cluster cluster) {
    if (!checkHost) {
      return IDENTITY_CHECKED;
    }
    return new HostVerifier(verifiedHost != null ? verifiedHost : cluster.host());
  }

  static OutboundTls create(ClientTlsSettings tls, @Nullable CertificateProvider mesh, Cluster cluster)
      throws MeshRoutingException {
    try {
      switch (tls.mode()) {
        case ISTIO_MUTUAL:
          if (mesh == null) {
            throw new MeshRoutingException(ResponseFlag.UF, cluster.name() + ": DestinationRule tls mode ISTIO_MUTUAL "
                + "but the mesh has no certificates (expected: Mesh.builder().certificates(...), certificateFiles(...) "
                + "or an xDS bootstrap with certificate_providers.default)");
          }
          X509TrustManager meshRoots = MeshTls.expectingIdentity(MeshTls.trustManager(mesh), tls.subjectAltNames(),
              tls.subjectAltNamePrefixes());
          SSLContext context = MeshTls.context(MeshTls.keyManager(mesh), meshRoots);
          return new OutboundTls(context, meshRoots, false, null, MeshTls.follow(mesh, context));
        case MUTUAL:
        case SIMPLE:
        default:
          return files(tls, cluster);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof MeshRoutingException) {
        throw (MeshRoutingException) e;
      }
      throw new MeshRoutingException(ResponseFlag.UF, cluster.name() + ": DestinationRule tls: " + e.getMessage());
    }
  }

  private static OutboundTls files(ClientTlsSettings tls, Cluster cluster) throws IOException {
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
          Pem.readPrivateKey(Path.of(tls.privateKey())), java.util.List.of());
      keys = MeshTls.keyManager(CertificateProvider.of(own));
    }
    X509TrustManager trust;
    if (tls.insecureSkipVerify()) {
      trust = TrustAll.INSTANCE;
    } else {
      String ca = tls.caCertificates();
      trust = MeshTls.expectingIdentity(ca != null ? MeshTls.trustManager(Pem.readCertificates(Path.of(ca))) : jvmTrust(),
          tls.subjectAltNames(), tls.subjectAltNamePrefixes());
    }
    boolean checkHost = !tls.insecureSkipVerify() && !tls.expectsSubjectAltNames();
    return new OutboundTls(MeshTls.context(keys, trust), trust, checkHost, tls.sni(), () -> {});
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

  /** The identity was checked during the handshake (mesh roots, subjectAltNames). */
  private static final class IdentityChecked implements HostnameVerifier {
    @Override
    public boolean verify(String hostname, SSLSession session) {
      return true;
    }
  }

  /** Checks the certificate against the destination host rather than the endpoint address OkHttp dials. */
  private record HostVerifier(String host) implements HostnameVerifier {
    @Override
    public boolean verify(String hostname, SSLSession session) {
      return OkHostnameVerifier.INSTANCE.verify(host, session);
    }
  }

  /** {@code insecureSkipVerify}: no chain and no identity check. */
  private enum TrustAll implements X509TrustManager {
    INSTANCE;

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
