package io.meshlet.controlplane;

import io.meshlet.core.config.HostNames;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** istiod's names: clusters {@code outbound|port|subset|host}, listeners and routes {@code host:port}, virtual host domains. */
final class Names {
  private static final String SUFFIX = "." + HostNames.CLUSTER_DOMAIN;

  private Names() {}

  static String cluster(String host, int port, @Nullable String subset) {
    return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
  }

  static String listener(String host, int port) {
    return host + ":" + port;
  }

  /**
   * The domains of {@code host}'s virtual host as a node in {@code namespace} may write them: the
   * FQDN, {@code name.ns.svc} and {@code name.ns}, the short name only from the same namespace (it
   * would name another host elsewhere); each also with {@code :port}.
   */
  static List<String> domains(String host, int port, String namespace) {
    List<String> names = new ArrayList<>(4);
    names.add(host);
    if (host.endsWith(SUFFIX)) {
      String nameAndNs = host.substring(0, host.length() - SUFFIX.length());
      int dot = nameAndNs.indexOf('.');
      if (dot > 0 && nameAndNs.indexOf('.', dot + 1) < 0) {
        if (nameAndNs.substring(dot + 1).equals(namespace)) {
          names.add(nameAndNs.substring(0, dot));
        }
        names.add(nameAndNs);
        names.add(nameAndNs + ".svc");
      }
    }
    List<String> out = new ArrayList<>(names.size() * 2);
    for (String n : names) {
      out.add(n);
      out.add(n + ":" + port);
    }
    return out;
  }
}
