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
 * @param subjectAltNames identities the server's certificate must carry (one of); empty: any
 *     certificate the roots trust
 * @param sni server name sent in the handshake; null: the destination host
 */
public record ClientTlsSettings(
    Mode mode,
    @Nullable String clientCertificate,
    @Nullable String privateKey,
    @Nullable String caCertificates,
    @Nullable String credentialName,
    List<String> subjectAltNames,
    @Nullable String sni,
    boolean insecureSkipVerify) {

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
  }

  /** The mesh's own mutual TLS with the given expected identities. */
  public static ClientTlsSettings istioMutual(List<String> subjectAltNames, @Nullable String sni) {
    return new ClientTlsSettings(Mode.ISTIO_MUTUAL, null, null, null, null, subjectAltNames, sni, false);
  }

  /** True unless the mode is {@code DISABLE}. */
  public boolean enabled() {
    return mode != Mode.DISABLE;
  }
}
