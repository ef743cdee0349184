package io.meshlet.http;

import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.ClientTls;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.routing.Cluster;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.internal.tls.OkHostnameVerifier;
import org.jspecify.annotations.Nullable;

/**
 * The TLS of calls to clusters with one {@code DestinationRule tls} setting, as OkHttp takes it:
 * the socket factory and trust manager of mesh-core's {@link ClientTls}, and the host name verifier
 * for each such call. One instance per setting, so OkHttp's pool reuses connections across calls
 * and snapshots (its {@code Address} compares both).
 */
final class OutboundTls {
  private static final HostnameVerifier IDENTITY_CHECKED = new IdentityChecked();

  private final SSLSocketFactory socketFactory;
  /** One factory per server name, so OkHttp's {@code Address} of a host stays equal across calls. */
  private final Map<String, SSLSocketFactory> byServerName = new ConcurrentHashMap<>();
  final X509TrustManager trustManager;
  private final ClientTls tls;
  /** Stops following the mesh provider's rotation (removes its listener); a no-op for file-based TLS. */
  private final Runnable unfollow;

  private OutboundTls(SSLContext context, ClientTls tls, Runnable unfollow) {
    this.socketFactory = context.getSocketFactory();
    this.trustManager = tls.trustManager();
    this.tls = tls;
    this.unfollow = unfollow;
  }

  /** Drops this TLS setting's hold on the mesh's certificate provider; calls already using it still work. */
  void close() {
    unfollow.run();
  }

  /**
   * The socket factory for a call to {@code cluster}: its sockets send {@link
   * ClientTls#serverName(String)} as SNI (OkHttp dials the endpoint's address, which may be an IP or
   * differ from {@code tls.sni}).
   */
  SSLSocketFactory socketFactory(Cluster cluster) {
    String name = tls.serverName(cluster.host());
    return name == null ? socketFactory : byServerName.computeIfAbsent(name, n -> new SniSocketFactory(socketFactory, n));
  }

  /** The verifier for a call to {@code cluster}; equal verifiers for equal hosts, so pooled connections match. */
  HostnameVerifier verifier(Cluster cluster) {
    if (!tls.checksHostName()) {
      return IDENTITY_CHECKED;
    }
    return new HostVerifier(tls.hostName() != null ? tls.hostName() : cluster.host());
  }

  static OutboundTls create(ClientTlsSettings settings, @Nullable CertificateProvider mesh, Cluster cluster)
      throws MeshRoutingException {
    ClientTls tls;
    try {
      tls = ClientTls.of(settings, mesh);
    } catch (IOException | RuntimeException e) {
      throw new MeshRoutingException(ResponseFlag.UF, cluster.name() + ": " + e.getMessage());
    }
    SSLContext context = MeshTls.context(tls.keyManager(), tls.trustManager());
    // The mesh's own certificate rotates: sessions made with the old one must not be resumed.
    Runnable unfollow = settings.mode() == ClientTlsSettings.Mode.ISTIO_MUTUAL ? MeshTls.follow(mesh, context) : () -> {};
    return new OutboundTls(context, tls, unfollow);
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
}
