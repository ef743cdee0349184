package io.meshlet.core.config;

import java.util.Locale;

/**
 * Istio's rules for host names in config. A short name (no dot) is qualified with the namespace of
 * the resource it is written in: {@code reviews} in {@code default} is
 * {@code reviews.default.svc.cluster.local}. A name with a dot, or a wildcard, is taken as written.
 */
public final class HostNames {
  public static final String CLUSTER_DOMAIN = "svc.cluster.local";

  private HostNames() {}

  /** Qualifies {@code host} written in a resource of {@code namespace}; lower-cases it. */
  public static String qualify(String host, String namespace) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("*") || h.indexOf('.') >= 0) {
      return h;
    }
    return h + "." + namespace + "." + CLUSTER_DOMAIN;
  }

  public static boolean isWildcard(String host) {
    return host.startsWith("*");
  }

  /** True if {@code host} matches {@code pattern}, which may be {@code *} or {@code *.suffix}. */
  public static boolean matches(String pattern, String host) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.startsWith("*")) {
      return host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1;
    }
    return pattern.equals(host);
  }
}
