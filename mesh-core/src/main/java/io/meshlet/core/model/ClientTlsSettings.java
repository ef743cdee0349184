package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code ClientTLSSettings} ({@code DestinationRule.trafficPolicy.tls}): how calls to a
 * destination are secured. {@code ISTIO_MUTUAL} uses the workload's own mesh certificate and the
 * mesh roots; {@code MUTUAL} and {@code SIMPLE} use the files named here (or the JVM trust store
 * when {@code caCertificates} is absent).
 *
 * @param subjectAltNames identities the server's certificate must carry (one of), compared exactly
 *     as Istio compares DestinationRule {@code subjectAltNames} ({@code *} is an ordinary character);
 *     with {@code subjectAltNamePrefixes} also empty: any certificate the roots trust
 * @param sni server name sent in the handshake; null: the destination host
 * @param subjectAltNamePrefixes prefixes one of the server's SANs may start with instead (Envoy's
 *     {@code prefix} SAN matcher, as xDS delivers it; YAML has no way to write one); each non-empty
 */
public record ClientTlsSettings(
    Mode mode,
    @Nullable String clientCertificate,
    @Nullable String privateKey,
    @Nullable String caCertificates,
    @Nullable String credentialName,
    List<String> subjectAltNames,
    @Nullable String sni,
    boolean insecureSkipVerify,
    List<String> subjectAltNamePrefixes) {

  public enum Mode {
    DISABLE,
    SIMPLE,
    MUTUAL,
    ISTIO_MUTUAL
  }

  public static final ClientTlsSettings DISABLED =
      new ClientTlsSettings(Mode.DISABLE, null, null, null, null, List.of(), null, false);

  public ClientTlsSettings {
    requireNonNull(mode, "mode");
    subjectAltNames = List.copyOf(subjectAltNames);
    subjectAltNamePrefixes = List.copyOf(subjectAltNamePrefixes);
    for (String prefix : subjectAltNamePrefixes) {
      if (prefix.isEmpty()) {
        throw new IllegalArgumentException("subjectAltNamePrefixes: '' (expected: a non-empty prefix)");
      }
    }
  }

  /** Settings with exact {@code subjectAltNames} only (no prefixes), as YAML writes them. */
  public ClientTlsSettings(Mode mode, @Nullable String clientCertificate, @Nullable String privateKey,
      @Nullable String caCertificates, @Nullable String credentialName, List<String> subjectAltNames,
      @Nullable String sni, boolean insecureSkipVerify) {
    this(mode, clientCertificate, privateKey, caCertificates, credentialName, subjectAltNames, sni,
        insecureSkipVerify, List.of());
  }

  /** The mesh's own mutual TLS with the given expected identities (exact). */
  public static ClientTlsSettings istioMutual(List<String> subjectAltNames, @Nullable String sni) {
    return istioMutual(subjectAltNames, List.of(), sni);
  }

  /** The mesh's own mutual TLS with expected identities, exact or by (non-empty) prefix. */
  public static ClientTlsSettings istioMutual(List<String> subjectAltNames, List<String> subjectAltNamePrefixes,
      @Nullable String sni) {
    return new ClientTlsSettings(Mode.ISTIO_MUTUAL, null, null, null, null, subjectAltNames, sni, false,
        subjectAltNamePrefixes);
  }

  /** True when the server's identity is checked against SANs (exact or prefix) rather than a host name. */
  public boolean expectsSubjectAltNames() {
    return !subjectAltNames.isEmpty() || !subjectAltNamePrefixes.isEmpty();
  }

  /** True unless the mode is {@code DISABLE}. */
  public boolean enabled() {
    return mode != Mode.DISABLE;
  }
}
