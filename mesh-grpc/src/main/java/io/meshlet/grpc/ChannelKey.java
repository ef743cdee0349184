package io.meshlet.grpc;

import io.meshlet.core.model.ClientTlsSettings;
import org.jspecify.annotations.Nullable;

/**
 * Which inner channel carries a try: one to the mesh's endpoints (the mesh picks the endpoint per
 * call) or one straight to the caller's target (a host the mesh does not know, or a passthrough
 * cluster), and its TLS ({@code DestinationRule tls}; null for plaintext).
 */
record ChannelKey(boolean direct, @Nullable ClientTlsSettings tls) {
  static ChannelKey endpoints(@Nullable ClientTlsSettings tls) {
    return new ChannelKey(false, enabled(tls));
  }

  static ChannelKey direct(@Nullable ClientTlsSettings tls) {
    return new ChannelKey(true, enabled(tls));
  }

  private static @Nullable ClientTlsSettings enabled(@Nullable ClientTlsSettings tls) {
    return tls != null && tls.enabled() ? tls : null;
  }
}
