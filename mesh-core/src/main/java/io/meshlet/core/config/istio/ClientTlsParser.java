package io.meshlet.core.config.istio;

import io.meshlet.core.model.ClientTlsSettings;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code ClientTLSSettings} ({@code trafficPolicy.tls}, {@code portLevelSettings[].tls}).
 * {@code credentialName} (a Kubernetes secret) and {@code caCrl} are read and listed as not yet
 * applied. Checked as Istio does: {@code ISTIO_MUTUAL} takes no certificate files, {@code MUTUAL}
 * needs both {@code clientCertificate} and {@code privateKey} (unless it names a credential),
 * {@code insecureSkipVerify: true} takes neither {@code caCertificates} nor {@code subjectAltNames}.
 */
final class ClientTlsParser {
  private static final List<String> MODES = List.of("DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL");

  private ClientTlsParser() {}

  static @Nullable ClientTlsSettings parse(@Nullable YamlObject tls) {
    if (tls == null) {
      return null;
    }
    Problems problems = tls.problems();
    String mode = tls.enumValue("mode", MODES);
    String cert = tls.string("clientCertificate");
    String key = tls.string("privateKey");
    String ca = tls.string("caCertificates");
    String credential = tls.string("credentialName");
    List<String> sans = tls.strings("subjectAltNames");
    String sni = tls.string("sni");
    Boolean skip = tls.bool("insecureSkipVerify");
    tls.string("caCrl");
    if (credential != null) {
      problems.notYetApplied(tls.path("credentialName"), "not applied by Meshlet (no Kubernetes secrets); "
          + "use clientCertificate, privateKey and caCertificates");
    }
    if (tls.has("caCrl")) {
      problems.notYetApplied(tls.path("caCrl"));
    }
    if ("ISTIO_MUTUAL".equals(mode)) {
      for (String f : List.of("clientCertificate", "privateKey", "caCertificates", "credentialName")) {
        if (tls.has(f)) {
          problems.error(tls.path(f), "given with mode ISTIO_MUTUAL (expected: no certificate files; "
              + "the mesh's own certificate is used)");
        }
      }
    }
    if (skip != null && skip) {
      // Istio's validateTLS: verification is off, so names to verify against would be silently unused.
      for (String f : List.of("caCertificates", "subjectAltNames")) {
        if (tls.has(f)) {
          problems.error(tls.path(f), "given with insecureSkipVerify: true (expected: cannot specify CaCertificates "
              + "or SubjectAltNames when InsecureSkipVerify is set true)");
        }
      }
    }
    if ("MUTUAL".equals(mode) && credential == null) {
      if (!tls.has("clientCertificate")) {
        problems.error(tls.path("clientCertificate"), "missing (required with mode MUTUAL)");
      }
      if (!tls.has("privateKey")) {
        problems.error(tls.path("privateKey"), "missing (required with mode MUTUAL)");
      }
    }
    return new ClientTlsSettings(
        mode == null ? ClientTlsSettings.Mode.DISABLE : ClientTlsSettings.Mode.valueOf(mode),
        cert, key, ca, credential, sans, sni, skip != null && skip);
  }
}
