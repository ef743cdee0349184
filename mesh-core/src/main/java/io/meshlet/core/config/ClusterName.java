package io.meshlet.core.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Istio's name of an outbound cluster, {@code outbound|<port>|<subset>|<host>}: {@code
 * outbound|9080|v1|reviews.default.svc.cluster.local}, and {@code outbound|9080||reviews...}
 * without a subset. The route table names its clusters so, the control plane serves them so and
 * the xDS translator reads them back with {@link #parse}.
 *
 * @param subset the DestinationRule subset, or null for the whole service
 */
public record ClusterName(String host, int port, @Nullable String subset) {
  /** The format, as an error message states what it expected. */
  public static final String FORMAT = "outbound|<port>|<subset>|<host>";

  private static final String OUTBOUND = "outbound|";
  private static final String INBOUND = "inbound|";

  public ClusterName {
    requireNonNull(host, "host");
  }

  /** {@code outbound|port|subset|host}, without making a {@code ClusterName}. */
  public static String format(String host, int port, @Nullable String subset) {
    return OUTBOUND + port + "|" + (subset == null ? "" : subset) + "|" + host;
  }

  /**
   * The host (lower-cased), port and subset of an outbound cluster name; null when {@code name} is
   * not one: not four {@code |}-separated parts, another direction ({@code inbound|}), a port
   * outside 1..65535, or no host name ({@link HostNames#problem}). An empty subset is none.
   */
  public static @Nullable ClusterName parse(String name) {
    String[] parts = name.split("\\|", -1);
    if (parts.length != 4 || !parts[0].equals("outbound") || HostNames.problem(parts[3]) != null) {
      return null;
    }
    int port = port(parts[1]);
    if (port <= 0) {
      return null;
    }
    return new ClusterName(parts[3].toLowerCase(Locale.ROOT), port, parts[2].isEmpty() ? null : parts[2]);
  }

  /** True for names that start as Istio's do ({@code outbound|} or {@code inbound|}), well formed or not. */
  public static boolean isIstioShaped(String name) {
    return name.startsWith(OUTBOUND) || name.startsWith(INBOUND);
  }

  /** True for Istio's {@code inbound|...} clusters, which serve a workload's own server. */
  public static boolean isInbound(String name) {
    return name.startsWith(INBOUND);
  }

  /** {@link #format}. */
  @Override
  public String toString() {
    return format(host, port, subset);
  }

  private static int port(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    int port = Integer.parseInt(text);
    return port <= 65535 ? port : -1;
  }
}
