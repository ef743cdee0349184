package io.meshlet.xds.bootstrap;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * PEM files re-read every {@code refreshInterval}: the config of the {@code file_watcher} certificate
 * provider (gRFC A29) and of the {@code tls} channel credentials (gRFC A65). The certificate and its
 * private key are given together or not at all.
 */
public record CertificateFiles(
    @Nullable String certificateFile,
    @Nullable String privateKeyFile,
    @Nullable String caCertificateFile,
    Duration refreshInterval) {
  /** gRPC's default when {@code refresh_interval} is absent. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(10);

  public CertificateFiles {
    requireNonNull(refreshInterval, "refreshInterval");
    if ((certificateFile == null) != (privateKeyFile == null)) {
      throw new IllegalArgumentException("certificateFile: " + certificateFile + ", privateKeyFile: " + privateKeyFile
          + " (expected: both or neither)");
    }
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("refreshInterval: " + refreshInterval + " (expected: > 0)");
    }
  }

  /** True if an identity certificate and key are given (mTLS), not only a CA. */
  public boolean hasIdentity() {
    return certificateFile != null;
  }
}
