package io.meshlet.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.ServerIdentities;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * TLS transport sockets as istiod's proxyless generator writes them: the mesh certificate and roots
 * from istio-agent's certificate provider instance {@code default} (certificates {@code default} and
 * {@code ROOTCA}, gRFC A29), ALPN {@code h2}.
 */
final class TlsBuilder {
  static final String TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
  static final String PROVIDER = "default";
  static final String CERTIFICATE = "default";
  static final String ROOTS = "ROOTCA";

  private TlsBuilder() {}

  /**
   * A cluster's UpstreamTlsContext for {@code ISTIO_MUTUAL}; null for any other mode (DISABLE, and
   * SIMPLE/MUTUAL with files, which name files on the control plane's host, not the client's).
   */
  static @Nullable TransportSocket upstream(@Nullable ClientTlsSettings tls) {
    return upstream(tls, ServerIdentities.DEFAULT_TRUST_DOMAIN);
  }

  /**
   * As {@link #upstream(ClientTlsSettings)}; the SANs matched are the DestinationRule's {@code
   * subjectAltNames}, else the registry's identities of the service ({@link ClientTlsSettings#registry()})
   * with service accounts as SPIFFE ids in {@code trustDomain}, as istiod's cluster builder serves them.
   */
  static @Nullable TransportSocket upstream(@Nullable ClientTlsSettings tls, String trustDomain) {
    if (tls == null || tls.mode() != ClientTlsSettings.Mode.ISTIO_MUTUAL) {
      return null;
    }
    UpstreamTlsContext.Builder u = UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(common(tls.expectedSubjectAltNames(trustDomain), tls.subjectAltNamePrefixes()));
    if (tls.sni() != null) {
      u.setSni(tls.sni());
    }
    return TransportSocket.newBuilder().setName(TRANSPORT_SOCKET).setTypedConfig(Any.pack(u.build())).build();
  }

  /** An inbound filter chain's DownstreamTlsContext: mutual TLS, client certificates required. */
  static TransportSocket downstream() {
    DownstreamTlsContext d = DownstreamTlsContext.newBuilder().setCommonTlsContext(common(List.of(), List.of()))
        .setRequireClientCertificate(BoolValue.of(true)).build();
    return TransportSocket.newBuilder().setName(TRANSPORT_SOCKET).setTypedConfig(Any.pack(d)).build();
  }

  /** Exact names as exact matchers (a {@code *} in them is an ordinary character, as in Istio), prefixes as prefix matchers. */
  private static CommonTlsContext common(List<String> exact, List<String> prefixes) {
    CertificateValidationContext.Builder v = CertificateValidationContext.newBuilder();
    for (String san : exact) {
      v.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(san));
    }
    for (String prefix : prefixes) {
      v.addMatchSubjectAltNames(StringMatcher.newBuilder().setPrefix(prefix));
    }
    return CommonTlsContext.newBuilder()
        .setTlsCertificateCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
            .setInstanceName(PROVIDER).setCertificateName(CERTIFICATE))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(v)
            .setValidationContextCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
                .setInstanceName(PROVIDER).setCertificateName(ROOTS)))
        .addAlpnProtocols("h2")
        .build();
  }
}
