package io.meshlet.controlplane;

import org.jspecify.annotations.Nullable;

/** istiod's names: clusters {@code outbound|port|subset|host}, listeners and routes {@code host:port}. */
final class Names {
  private Names() {}

  static String cluster(String host, int port, @Nullable String subset) {
    return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
  }

  static String listener(String host, int port) {
    return host + ":" + port;
  }
}
