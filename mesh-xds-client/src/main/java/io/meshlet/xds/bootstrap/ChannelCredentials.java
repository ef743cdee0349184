package io.meshlet.xds.bootstrap;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a server's {@code channel_creds}: a credentials type and its config object.
 *
 * @param tls the parsed config when {@code type} is {@code tls} (gRFC A65), else null
 */
public record ChannelCredentials(String type, Map<String, Object> config, @Nullable CertificateFiles tls) {
  public static final String INSECURE = "insecure";
  public static final String TLS = "tls";
  public static final String GOOGLE_DEFAULT = "google_default";
  /** The types gRPC defines for the bootstrap, in the order of its documentation. */
  public static final List<String> KNOWN_TYPES = List.of(INSECURE, TLS, GOOGLE_DEFAULT);

  public ChannelCredentials {
    requireNonNull(type, "type");
    config = JsonValues.immutableCopy(requireNonNull(config, "config"));
  }

  public static ChannelCredentials insecure() {
    return new ChannelCredentials(INSECURE, Map.of(), null);
  }

  public boolean isKnownType() {
    return KNOWN_TYPES.contains(type);
  }
}
