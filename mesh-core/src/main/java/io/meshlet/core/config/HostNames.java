package io.meshlet.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Istio's rules for host names in config. A short name (no dot) is qualified with the namespace of
 * the resource it is written in: {@code reviews} in {@code default} is
 * {@code reviews.default.svc.cluster.local}. A name with a dot, or a wildcard, is taken as written.
 * The other way round, a service's {@linkplain #aliases aliases} are the shorter names Kubernetes DNS
 * search paths let a caller use for it.
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

  /**
   * Every name a caller in {@code namespace} may use for {@code host}, as Kubernetes DNS search paths
   * allow, in istiod's order: {@code host} itself and, for a service name {@code
   * name.ns.svc.cluster.local}, the short name {@code name} (only when {@code ns} is {@code
   * namespace}: elsewhere it names another host), {@code name.ns} and {@code name.ns.svc}. Any other
   * host (a wildcard, {@code a.b.c.svc.cluster.local}, {@code example.com}) has no alias. The route
   * table answers to these names, the control plane writes them as virtual host domains, and the xDS
   * translator folds them back into their host.
   */
  public static List<String> aliases(String host, String namespace) {
    List<String> names = new ArrayList<>(4);
    names.add(host);
    String suffix = "." + CLUSTER_DOMAIN;
    if (host.endsWith(suffix) && !isWildcard(host)) {
      String nameAndNs = host.substring(0, host.length() - suffix.length());
      int dot = nameAndNs.indexOf('.');
      if (dot > 0 && nameAndNs.indexOf('.', dot + 1) < 0) {
        if (nameAndNs.substring(dot + 1).equals(namespace)) {
          names.add(nameAndNs.substring(0, dot));
        }
        names.add(nameAndNs);
        names.add(nameAndNs + ".svc");
      }
    }
    return names;
  }

  /**
   * {@link #aliases(String, String)}, each followed by its {@code name:port} form, as istiod writes
   * the domains of the virtual host {@code host:port}.
   */
  public static List<String> aliases(String host, String namespace, int port) {
    List<String> names = aliases(host, namespace);
    List<String> out = new ArrayList<>(names.size() * 2);
    for (String n : names) {
      out.add(n);
      out.add(n + ":" + port);
    }
    return out;
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
