package io.meshlet.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.meshlet.core.model.ClientTlsSettings;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The TLS transport sockets of gRPC's proxyless xDS (gRFC A29): a cluster's UpstreamTlsContext into
 * {@link ClientTlsSettings}, an inbound filter chain's DownstreamTlsContext into "mutual TLS or not".
 * Only the mesh's own certificates are understood: the ones named by {@code certificate_provider}
 * instances (istio-agent's {@code default} provider, certificates {@code default} and {@code ROOTCA}),
 * which is Istio's {@code ISTIO_MUTUAL}.
 */
final class TlsTranslator {
  static final String TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
  static final String UPSTREAM_TYPE_URL = "type.googleapis.com/" + UpstreamTlsContext.getDescriptor().getFullName();
  static final String DOWNSTREAM_TYPE_URL = "type.googleapis.com/" + DownstreamTlsContext.getDescriptor().getFullName();

  private TlsTranslator() {}

  /** A cluster's {@code transport_socket}: ISTIO_MUTUAL with its SANs and SNI, or null (an error) when not understood. */
  static @Nullable ClientTlsSettings upstream(TransportSocket socket, String path, Problems problems) {
    UpstreamTlsContext tls = unpack(socket, path, UPSTREAM_TYPE_URL, UpstreamTlsContext.class, problems);
    if (tls == null) {
      return null;
    }
    String p = path + ".typed_config";
    List<String> prefixes = new ArrayList<>();
    List<String> sans = common(tls.getCommonTlsContext(), p + ".common_tls_context", true, prefixes, problems);
    if (tls.getAllowRenegotiation()) {
      problems.ignored(p + ".allow_renegotiation", "TLS renegotiation is never allowed");
    }
    if (sans == null) {
      return null;
    }
    return ClientTlsSettings.istioMutual(sans, prefixes, tls.getSni().isEmpty() ? null : tls.getSni());
  }

  /**
   * An inbound filter chain's {@code transport_socket}: true for mutual TLS with the mesh
   * certificates ({@code require_client_certificate}); null (an error) for anything else.
   */
  static @Nullable Boolean downstreamMutual(TransportSocket socket, String path, Problems problems) {
    DownstreamTlsContext tls = unpack(socket, path, DOWNSTREAM_TYPE_URL, DownstreamTlsContext.class, problems);
    if (tls == null) {
      return null;
    }
    String p = path + ".typed_config";
    if (!tls.hasRequireClientCertificate() || !tls.getRequireClientCertificate().getValue()) {
      problems.error(p + ".require_client_certificate", "false (expected: true; TLS without client certificates "
          + "cannot be expressed as a PeerAuthentication mode)");
      return null;
    }
    List<String> prefixes = new ArrayList<>();
    List<String> sans = common(tls.getCommonTlsContext(), p + ".common_tls_context", false, prefixes, problems);
    if (sans == null) {
      return null;
    }
    if (!prefixes.isEmpty()) {
      prefixes.forEach(x -> sans.add("prefix " + x));
    }
    if (!sans.isEmpty()) {
      // Any client with a mesh certificate would be accepted: the model has no server-side SAN check.
      String v = tls.getCommonTlsContext().hasCombinedValidationContext()
          ? ".combined_validation_context.default_validation_context" : ".validation_context";
      problems.error(p + ".common_tls_context" + v + ".match_subject_alt_names", sans + " (expected: none on an inbound "
          + "listener; Meshlet cannot restrict clients in the handshake: restrict principals with the RBAC filters)");
      return null;
    }
    return Boolean.TRUE;
  }

  private static <T extends com.google.protobuf.Message> @Nullable T unpack(
      TransportSocket socket, String path, String typeUrl, Class<T> type, Problems problems) {
    if (!socket.getName().equals(TRANSPORT_SOCKET) && !socket.getName().equals("tls")) {
      problems.warning(path + ".name", "'" + socket.getName() + "' (expected: " + TRANSPORT_SOCKET + "); read as TLS");
    }
    Any any = socket.getTypedConfig();
    if (!any.getTypeUrl().equals(typeUrl)) {
      problems.error(path + ".typed_config", "'" + any.getTypeUrl() + "' (expected: " + typeUrl + ")");
      return null;
    }
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      problems.error(path + ".typed_config", "cannot be decoded (expected: " + typeUrl + "; " + e.getMessage() + ")");
      return null;
    }
  }

  /**
   * The exact SANs a context expects of its peer, as DestinationRule {@code subjectAltNames} writes
   * them ({@code spiffe://...}), after checking that it uses certificate provider instances; prefix
   * matchers go to {@code prefixes} (kept apart: a YAML name ending in {@code *} is exact); null
   * after an error.
   */
  private static @Nullable List<String> common(CommonTlsContext c, String path, boolean client, List<String> prefixes,
      Problems problems) {
    int before = problems.errorCount();
    if (c.getTlsCertificatesCount() > 0 || c.getTlsCertificateSdsSecretConfigsCount() > 0) {
      problems.error(path + (c.getTlsCertificatesCount() > 0 ? ".tls_certificates" : ".tls_certificate_sds_secret_configs"),
          "not supported (expected: tls_certificate_provider_instance, the mesh certificate)");
    } else if (!c.hasTlsCertificateProviderInstance() && !c.hasTlsCertificateCertificateProviderInstance()) {
      problems.error(path + ".tls_certificate_provider_instance", "missing (expected: the mesh certificate provider"
          + (client ? ", as ISTIO_MUTUAL uses" : "") + ")");
    }
    List<String> sans = new ArrayList<>();
    switch (c.getValidationContextTypeCase()) {
      case COMBINED_VALIDATION_CONTEXT: {
        CommonTlsContext.CombinedCertificateValidationContext combined = c.getCombinedValidationContext();
        String cp = path + ".combined_validation_context";
        boolean roots = combined.hasValidationContextCertificateProviderInstance()
            || combined.getDefaultValidationContext().hasCaCertificateProviderInstance();
        if (!roots) {
          problems.error(cp + ".validation_context_certificate_provider_instance", "missing (expected: the mesh roots)");
        }
        validation(combined.getDefaultValidationContext(), cp + ".default_validation_context", sans, prefixes, problems);
        break;
      }
      case VALIDATION_CONTEXT: {
        CertificateValidationContext v = c.getValidationContext();
        if (!v.hasCaCertificateProviderInstance()) {
          problems.error(path + ".validation_context.ca_certificate_provider_instance", "missing (expected: the mesh roots)");
        }
        validation(v, path + ".validation_context", sans, prefixes, problems);
        break;
      }
      default:
        problems.error(path + ".combined_validation_context", "missing (expected: the mesh roots from a certificate provider instance)");
        break;
    }
    // alpn_protocols (istiod writes h2) is left to the HTTP client's own negotiation.
    return problems.errorCount() > before ? null : sans;
  }

  private static void validation(CertificateValidationContext v, String path, List<String> sans, List<String> prefixes,
      Problems problems) {
    for (int i = 0; i < v.getMatchSubjectAltNamesCount(); i++) {
      StringMatcher m = v.getMatchSubjectAltNames(i);
      String p = path + ".match_subject_alt_names[" + i + "]";
      List<String> into = sans;
      String name;
      switch (m.getMatchPatternCase()) {
        case EXACT:
          name = m.getExact();
          break;
        case PREFIX:
          name = m.getPrefix();
          into = prefixes;
          if (name.isEmpty()) {
            problems.error(p + ".prefix", "'' (expected: a non-empty prefix; an empty one would accept every identity)");
            continue;
          }
          break;
        default:
          problems.error(p, m.getMatchPatternCase().name().toLowerCase(java.util.Locale.ROOT)
              + " is not supported (expected: exact or prefix)");
          continue;
      }
      if (m.getIgnoreCase()) {
        problems.warning(p + ".ignore_case", "ignored: identities are compared exactly");
      }
      into.add(name);
    }
    if (v.getMatchTypedSubjectAltNamesCount() > 0) {
      problems.error(path + ".match_typed_subject_alt_names", "not supported (expected: match_subject_alt_names)");
    }
    if (v.getVerifyCertificateHashCount() > 0 || v.getVerifyCertificateSpkiCount() > 0) {
      problems.error(path + ".verify_certificate_hash", "certificate pinning is not supported");
    }
  }
}
