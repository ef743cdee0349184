package io.meshlet.core.config.istio;

import io.meshlet.core.config.HostNames;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.Sidecar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code Sidecar.spec} of {@code networking.istio.io/v1} (or {@code v1beta1}, {@code v1alpha3}):
 * {@code workloadSelector.labels}, {@code egress[].hosts} (applied), {@code egress[].port} (read,
 * not applied), {@code outboundTrafficPolicy.mode} (applied); {@code outboundTrafficPolicy.egressProxy}
 * is reported as not applied; {@code ingress}, {@code inboundConnectionPool}, {@code egress[].bind} and
 * {@code egress[].captureMode} as not supported in-process (they configure the sidecar's listeners).
 */
final class SidecarParser {
  private static final List<String> MODES = List.of("ALLOW_ANY", "REGISTRY_ONLY");

  private SidecarParser() {}

  static Sidecar parse(YamlObject spec, ResourceId id, ResourceOrigin origin) {
    Problems problems = spec.problems();
    YamlObject selector = spec.object("workloadSelector");
    Map<String, String> labels = selector == null ? Map.of() : selector.stringMap("labels");
    if (selector != null && labels.isEmpty() && !selector.has("labels")) {
      problems.error(selector.path("labels"), "missing (expected: the labels of the workloads this Sidecar applies to)");
    }
    List<Sidecar.EgressListener> egress = new ArrayList<>();
    for (YamlObject listener : spec.objects("egress")) {
      egress.add(listener(listener, id.namespace(), problems));
    }
    Sidecar.OutboundMode mode = null;
    YamlObject outbound = spec.object("outboundTrafficPolicy");
    if (outbound != null) {
      String m = outbound.enumValue("mode", MODES);
      mode = m == null ? null : Sidecar.OutboundMode.valueOf(m);
      if (outbound.node("egressProxy") != null) {
        outbound.ignore("egressProxy");
        problems.notYetApplied(outbound.path("egressProxy"));
      }
    }
    for (String f : List.of("ingress", "inboundConnectionPool")) {
      if (spec.node(f) != null) {
        spec.ignore(f);
        problems.notInProcess(spec.path(f), "not supported in-process: it configures the sidecar's inbound listener; "
            + "the application's own server takes inbound calls (Meshlet applies egress only)");
      }
    }
    return new Sidecar(id, origin, labels, egress, mode, problems.notYetAppliedPaths());
  }

  private static Sidecar.EgressListener listener(YamlObject listener, String ownNamespace, Problems problems) {
    Integer port = null;
    YamlObject p = listener.object("port");
    if (p != null) {
      port = p.port("number");
      p.string("protocol");
      p.string("name");
      p.port("targetPort");
      problems.notYetApplied(listener.path("port"), "not yet applied by Meshlet (the hosts are in scope on every port)");
    }
    for (String f : List.of("bind", "captureMode")) {
      if (listener.node(f) != null) {
        listener.ignore(f);
        problems.notInProcess(listener.path(f), "not supported in-process: it configures where the sidecar listens "
            + "and how traffic is captured; an in-process client's calls are not captured");
      }
    }
    List<Sidecar.HostPattern> hosts = new ArrayList<>();
    if (!listener.has("hosts")) {
      problems.error(listener.path("hosts"), "missing (expected: at least one namespace/dnsName, e.g. ./* or istio-system/*)");
    }
    List<String> raw = listener.strings("hosts", SidecarParser::hostProblem);
    for (String h : raw) {
      int slash = h.indexOf('/');
      String ns = h.substring(0, slash);
      String dns = h.substring(slash + 1);
      String namespace = ns.equals(".") ? ownNamespace : ns;
      hosts.add(new Sidecar.HostPattern(namespace,
          dns.equals("*") ? dns : HostNames.qualify(dns, namespace.equals("*") || namespace.equals("~") ? ownNamespace : namespace)));
    }
    return new Sidecar.EgressListener(port, hosts);
  }

  /** Why a {@code hosts} entry is wrong, or null: Istio's {@code namespace/dnsName} form. */
  static @Nullable String hostProblem(String h) {
    int slash = h.indexOf('/');
    if (slash <= 0 || slash == h.length() - 1 || h.indexOf('/', slash + 1) >= 0) {
      return "'" + h + "' (expected: namespace/dnsName, e.g. ./*, istio-system/*, */reviews.default.svc.cluster.local)";
    }
    String dns = h.substring(slash + 1);
    if (dns.equals("*")) {
      return null;
    }
    String problem = HostNames.problem(dns);
    return problem == null ? null : "'" + h + "': dnsName " + problem;
  }
}
