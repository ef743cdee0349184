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
 * @param registry for {@code ISTIO_MUTUAL} without {@code subjectAltNames} (and prefixes): the
 *     identities the service registry knows for the destination's servers ({@link #withRegistry});
 *     {@link ServerIdentities#NONE} otherwise
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
    List<String> subjectAltNamePrefixes,
    ServerIdentities registry) {

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
    requireNonNull(registry, "registry");
    for (String prefix : subjectAltNamePrefixes) {
      if (prefix.isEmpty()) {
        throw new IllegalArgumentException("subjectAltNamePrefixes: '' (expected: a non-empty prefix)");
      }
    }
  }

  /** Settings without registry identities. */
  public ClientTlsSettings(Mode mode, @Nullable String clientCertificate, @Nullable String privateKey,
      @Nullable String caCertificates, @Nullable String credentialName, List<String> subjectAltNames,
      @Nullable String sni, boolean insecureSkipVerify, List<String> subjectAltNamePrefixes) {
    this(mode, clientCertificate, privateKey, caCertificates, credentialName, subjectAltNames, sni,
        insecureSkipVerify, subjectAltNamePrefixes, ServerIdentities.NONE);
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

  /**
   * These settings with the registry's identities of the destination's servers, as istiod fills
   * {@code ISTIO_MUTUAL} without {@code subjectAltNames} from the service's accounts ({@code
   * cluster_tls.go}); unchanged for any other mode, or when {@code subjectAltNames} (or prefixes) are given.
   */
  public ClientTlsSettings withRegistry(ServerIdentities identities) {
    requireNonNull(identities, "identities");
    if (mode != Mode.ISTIO_MUTUAL || expectsSubjectAltNames() || identities.equals(registry)) {
      return this;
    }
    return new ClientTlsSettings(mode, clientCertificate, privateKey, caCertificates, credentialName, subjectAltNames,
        sni, insecureSkipVerify, subjectAltNamePrefixes, identities);
  }

  /**
   * The SANs one of which the server must present for {@code ISTIO_MUTUAL}: {@code subjectAltNames}
   * when given, else the registry's ({@link ServerIdentities#expected}) in {@code trustDomain}; empty
   * for any identity the mesh roots trust. Prefixes are {@link #subjectAltNamePrefixes()}.
   */
  public List<String> expectedSubjectAltNames(String trustDomain) {
    return expectsSubjectAltNames() ? subjectAltNames : registry.expected(trustDomain);
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
