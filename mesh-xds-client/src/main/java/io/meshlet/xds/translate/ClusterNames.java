package io.meshlet.xds.translate;

import io.meshlet.core.config.ClusterName;
import io.meshlet.core.config.HostNames;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How the translator reads a cluster name: Istio's {@code outbound|<port>|<subset>|<host>}
 * (mesh-core's {@link ClusterName}), and any other name {@code c} as a cluster of host {@code c} on
 * every port (port 0), without subset.
 */
final class ClusterNames {
  static final String EXPECTED = ClusterName.FORMAT;

  /** A parsed cluster name: host (lower case), port (0: any), subset (null: none). */
  record Parsed(String host, int port, @Nullable String subset, boolean istio) {}

  private ClusterNames() {}

  /**
   * The host, port and subset {@code name} stands for; null when it has Istio's shape but not its
   * content (a bad port, no host) or is an {@code inbound|} cluster.
   */
  static @Nullable Parsed parse(String name) {
    if (!ClusterName.isIstioShaped(name)) {
      return HostNames.problem(name) != null ? null : new Parsed(name.toLowerCase(Locale.ROOT), 0, null, false);
    }
    ClusterName c = ClusterName.parse(name);
    return c == null ? null : new Parsed(c.host(), c.port(), c.subset(), true);
  }

  static boolean isInbound(String name) {
    return ClusterName.isInbound(name);
  }
}
