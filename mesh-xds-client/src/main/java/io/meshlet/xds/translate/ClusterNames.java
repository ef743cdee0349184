package io.meshlet.xds.translate;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Istio's cluster names, {@code outbound|<port>|<subset>|<host>}. Any other name {@code c} is a
 * cluster of host {@code c} on every port (port 0), without subset.
 */
final class ClusterNames {
  static final String EXPECTED = "outbound|<port>|<subset>|<host>";

  /** A parsed cluster name: host (lower case), port (0: any), subset (null: none). */
  record Parsed(String host, int port, @Nullable String subset, boolean istio) {}

  private ClusterNames() {}

  /**
   * The host, port and subset {@code name} stands for; null when it has Istio's shape but not its
   * content (a bad port, no host) or is an {@code inbound|} cluster.
   */
  static @Nullable Parsed parse(String name) {
    if (!looksIstio(name)) {
      return name.isEmpty() ? null : new Parsed(name.toLowerCase(Locale.ROOT), 0, null, false);
    }
    String[] parts = name.split("\\|", -1);
    if (parts.length != 4 || !parts[0].equals("outbound") || parts[3].isEmpty()) {
      return null;
    }
    int port = port(parts[1]);
    if (port <= 0) {
      return null;
    }
    return new Parsed(parts[3].toLowerCase(Locale.ROOT), port, parts[2].isEmpty() ? null : parts[2], true);
  }

  /** True for names that start as Istio's do ({@code outbound|} or {@code inbound|}). */
  static boolean looksIstio(String name) {
    return name.startsWith("outbound|") || name.startsWith("inbound|");
  }

  static boolean isInbound(String name) {
    return name.startsWith("inbound|");
  }

  private static int port(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    int port = Integer.parseInt(text);
    return port <= 65535 ? port : -1;
  }
}
