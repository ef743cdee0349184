package io.meshlet.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Istio's rules for host names in config. A short name (no dot) is qualified with the namespace of
 * the resource it is written in: {@code reviews} in {@code default} is
 * {@code reviews.default.svc.cluster.local}. A name with a dot, or a wildcard, is taken as written.
 * The other way round, a service's {@linkplain #aliases aliases} are the shorter names Kubernetes DNS
 * search paths let a caller use for it.
 */
public final class HostNames {
  public static final String CLUSTER_DOMAIN = "svc.cluster.local";

  /** The longest host name accepted (DNS). */
  public static final int MAX_LENGTH = 253;

  /** The longest label of a host name (DNS-1123). */
  public static final int MAX_LABEL_LENGTH = 63;

  private HostNames() {}

  /**
   * Why {@code host} is not a host name as Istio validates them, or null when it is one: {@code *},
   * or dot-separated DNS-1123 labels (ASCII letters, digits and inner {@code -}, at most {@value
   * #MAX_LABEL_LENGTH} each, {@value #MAX_LENGTH} in all) of which only the first may be the
   * wildcard {@code *} or start with it ({@code *x}, {@code *-x}: Istio's partial wildcards, matching
   * any non-empty text before the rest, as Envoy's suffix domains do); a bracketed IPv6 literal is a host too. Checked before anything lower-cases
   * the name, so a long non-ASCII one costs nothing. Every translator calls this one check.
   */
  public static @Nullable String problem(String host) {
    if (host.isEmpty()) {
      return "'' (expected: a host name)";
    }
    if (host.length() > MAX_LENGTH) {
      return host.length() + " characters (expected: a host name of at most " + MAX_LENGTH + ")";
    }
    if (host.equals("*") || isIpv6Literal(host)) {
      return null;
    }
    int start = 0;
    while (start <= host.length()) {
      int dot = host.indexOf('.', start);
      int end = dot < 0 ? host.length() : dot;
      String why = labelProblem(host, start, end);
      if (why != null) {
        return "'" + host + "' (expected: a host name of DNS-1123 labels, only the first may be *; " + why + ")";
      }
      if (dot < 0) {
        break;
      }
      start = dot + 1;
    }
    return null;
  }

  private static @Nullable String labelProblem(String host, int start, int end) {
    if (end == start) {
      return "empty label";
    }
    if (end - start == 1 && host.charAt(start) == '*') {
      return start == 0 && end < host.length() ? null : "* only as the whole first label";
    }
    if (host.charAt(start) == '*') {
      // Istio's wildcard first label: '*', or '*' or '*-' before a DNS-1123 label ("*x", "*-foo").
      if (start != 0) {
        return "* only at the start of the first label";
      }
      int rest = start + 1 < end && host.charAt(start + 1) == '-' ? start + 2 : start + 1;
      if (rest == end) {
        return "'*-' needs a label after it";
      }
      String why = labelProblem(host, rest, end);
      return why == null && end - start > MAX_LABEL_LENGTH
          ? "label of " + (end - start) + " characters, at most " + MAX_LABEL_LENGTH
          : why;
    }
    if (end - start > MAX_LABEL_LENGTH) {
      return "label of " + (end - start) + " characters, at most " + MAX_LABEL_LENGTH;
    }
    if (host.charAt(start) == '-' || host.charAt(end - 1) == '-') {
      return "a label starts or ends with -";
    }
    for (int i = start; i < end; i++) {
      char c = host.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
        return "'" + c + "' is not allowed";
      }
    }
    return null;
  }

  private static boolean isIpv6Literal(String host) {
    if (host.length() < 3 || host.charAt(0) != '[' || host.charAt(host.length() - 1) != ']') {
      return false;
    }
    for (int i = 1; i < host.length() - 1; i++) {
      char c = host.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.')) {
        return false;
      }
    }
    return true;
  }

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

  /** True if {@code host} matches {@code pattern}, which may be {@code *}, {@code *.suffix} or {@code *suffix} (non-empty before it). */
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
