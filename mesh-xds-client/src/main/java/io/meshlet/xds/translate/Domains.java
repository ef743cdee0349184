package io.meshlet.xds.translate;

import io.meshlet.core.config.HostNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A virtual host's {@code domains} as model hosts: lower-cased, {@code :port} dropped, short names
 * qualified with the namespace, and the Kubernetes aliases of a qualified name in the same list
 * ({@code reviews.default}, {@code reviews.default.svc}: {@link HostNames#aliases}) dropped, since
 * the route table derives those itself.
 */
final class Domains {
  private Domains() {}

  static List<String> hosts(List<String> domains, String namespace, String path, Problems problems) {
    Set<String> hosts = new LinkedHashSet<>();
    for (int i = 0; i < domains.size(); i++) {
      // Checked before lower-casing: the check bounds the length (and so the cost) first.
      String d = stripPort(domains.get(i));
      String problem = HostNames.problem(d);
      if (d.endsWith("*") && !d.equals("*")) {
        problems.ignored(path + "[" + i + "]", "'" + domains.get(i) + "': suffix wildcards are not supported (only *.domain and *)");
      } else if (problem != null) {
        problems.ignored(path + "[" + i + "]", problem);
      } else {
        hosts.add(HostNames.qualify(d, namespace));
      }
    }
    Set<String> derived = new HashSet<>();
    for (String h : hosts) {
      List<String> aliases = HostNames.aliases(h, namespace);
      derived.addAll(aliases.subList(1, aliases.size()));
    }
    List<String> out = new ArrayList<>();
    for (String h : hosts) {
      if (!derived.contains(h)) {
        out.add(h);
      }
    }
    return out;
  }

  /** {@code host:port} → {@code host}; {@code [::1]:80} → {@code [::1]}; an IPv6 literal without brackets is kept. */
  static String stripPort(String domain) {
    int colon = domain.lastIndexOf(':');
    if (colon < 0 || (domain.indexOf(':') != colon && !domain.startsWith("["))) {
      return domain;
    }
    String port = domain.substring(colon + 1);
    if (!port.equals("*") && (port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9'))) {
      return domain;
    }
    return domain.substring(0, colon);
  }

  /** The port of a listener named {@code host:port}, or 0 (any port) when the name has none. */
  static int listenerPort(String name) {
    int colon = name.lastIndexOf(':');
    if (colon < 0 || colon == name.length() - 1) {
      return 0;
    }
    String port = name.substring(colon + 1);
    if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return 0;
    }
    int p = Integer.parseInt(port);
    return p <= 65535 ? p : 0;
  }
}
