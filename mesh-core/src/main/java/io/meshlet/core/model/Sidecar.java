package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code Sidecar} ({@code networking.istio.io}): which services a workload's mesh knows
 * ({@code egress[].hosts}) and what it does with the others ({@code outboundTrafficPolicy}). The
 * Sidecar of a workload is, as in Istio, the one in its namespace whose {@code workloadSelector}
 * matches it, else its namespace's one without selector, else the root namespace's one without
 * selector.
 *
 * @param workloadSelector {@code workloadSelector.labels}; empty for a namespace (or mesh) default
 * @param egress the egress listeners; empty: no limit on hosts
 * @param outboundTrafficPolicy {@code outboundTrafficPolicy.mode}; null: the mesh's own setting
 */
public record Sidecar(
    ResourceId id,
    ResourceOrigin origin,
    Map<String, String> workloadSelector,
    List<EgressListener> egress,
    @Nullable OutboundMode outboundTrafficPolicy,
    List<String> notYetApplied)
    implements MeshResource {

  /** {@code outboundTrafficPolicy.mode}. */
  public enum OutboundMode {
    ALLOW_ANY,
    REGISTRY_ONLY
  }

  /**
   * {@code egress[]}: the hosts a workload may call.
   *
   * @param port {@code port.number}; null for every port (read, not applied: hosts count on every port)
   */
  public record EgressListener(@Nullable Integer port, List<HostPattern> hosts) {
    public EgressListener {
      hosts = List.copyOf(hosts);
    }
  }

  /**
   * One {@code egress[].hosts} entry, {@code namespace/dnsName}.
   *
   * @param namespace a namespace ({@code .} already resolved to the Sidecar's own), {@code *} for
   *     any, or {@code ~} for none (the entry admits nothing)
   * @param dnsName a qualified host, {@code *} or {@code *.suffix}
   */
  public record HostPattern(String namespace, String dnsName) {
    public HostPattern {
      requireNonNull(namespace, "namespace");
      requireNonNull(dnsName, "dnsName");
    }

    /** True if a service {@code host} defined in {@code hostNamespace} is admitted by this entry. */
    public boolean admits(String host, String hostNamespace) {
      if (namespace.equals("~") || !(namespace.equals("*") || namespace.equals(hostNamespace))) {
        return false;
      }
      if (dnsName.equals("*")) {
        return true;
      }
      if (dnsName.startsWith("*")) {
        String suffix = dnsName.substring(1);
        // A wildcard service host is admitted by an equal or wider pattern only.
        String h = host.startsWith("*") ? host.substring(1) : host;
        return h.endsWith(suffix) && (h.length() > suffix.length() || host.startsWith("*"));
      }
      return dnsName.equals(host);
    }

    @Override
    public String toString() {
      return namespace + "/" + dnsName;
    }
  }

  public Sidecar {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    workloadSelector = Map.copyOf(workloadSelector);
    egress = List.copyOf(egress);
    notYetApplied = List.copyOf(notYetApplied);
  }

  /** A Sidecar has no {@code exportTo}: it applies where its namespace and selector say. */
  @Override
  public List<String> exportTo() {
    return List.of();
  }

  /** True when {@code egress} limits the hosts (some listener lists hosts). */
  public boolean limitsHosts() {
    return !egress.isEmpty();
  }

  /** True if a service {@code host} defined in {@code hostNamespace} is in this Sidecar's egress scope. */
  public boolean admits(String host, String hostNamespace) {
    if (egress.isEmpty()) {
      return true;
    }
    for (EgressListener l : egress) {
      for (HostPattern p : l.hosts()) {
        if (p.admits(host, hostNamespace)) {
          return true;
        }
      }
    }
    return false;
  }

  /** True if {@code host} of {@code hostNamespace} is in the scope of {@code sidecar}; every host is when there is none. */
  public static boolean inScope(@Nullable Sidecar sidecar, String host, String hostNamespace) {
    return sidecar == null || sidecar.admits(host, hostNamespace);
  }

  /**
   * The Sidecar in force for a workload of {@code namespace} with {@code labels}, Istio's precedence:
   * a selector match in its namespace, else its namespace's default (no selector), else the default
   * of {@code rootNamespace}; the first in config order wins a tie. Null when none applies.
   */
  public static @Nullable Sidecar forWorkload(List<Sidecar> sidecars, String namespace, Map<String, String> labels,
      String rootNamespace) {
    Sidecar namespaceDefault = null;
    Sidecar rootDefault = null;
    for (Sidecar s : sidecars) {
      String ns = s.id().namespace();
      if (s.workloadSelector().isEmpty()) {
        if (ns.equals(namespace) && namespaceDefault == null) {
          namespaceDefault = s;
        } else if (ns.equals(rootNamespace) && rootDefault == null) {
          rootDefault = s;
        }
      } else if (ns.equals(namespace) && Labels.matches(s.workloadSelector(), labels)) {
        return s;
      }
    }
    return namespaceDefault != null ? namespaceDefault : rootDefault;
  }
}
