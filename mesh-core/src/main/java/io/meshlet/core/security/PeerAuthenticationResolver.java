package io.meshlet.core.security;

import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.PeerAuthentication;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.Workload;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio's PeerAuthentication precedence for one workload: the policy with a selector in the
 * workload's namespace, else the namespace's policy (no selector), else the mesh's (no selector, root
 * namespace); {@code UNSET} inherits from the next broader; port-level modes of the workload policy
 * override per port ({@code UNSET} there inherits the workload's mode); without a workload policy,
 * so do those of the namespace policy (only non-YAML sources write them there); default {@code PERMISSIVE}.
 * Where several policies compete at one level Istio takes the oldest; here the first by (namespace,
 * name), since files carry no creation time.
 */
final class PeerAuthenticationResolver {
  /** The mode for all ports, the mode per listed port, and the policy each came from (null: the default). */
  record Resolution(MtlsMode mode, @Nullable ResourceId source, int[] ports, MtlsMode[] portModes,
      @Nullable ResourceId portSource) {}

  private PeerAuthenticationResolver() {}

  static Resolution resolve(List<PeerAuthentication> all, Workload workload, String rootNamespace) {
    List<PeerAuthentication> sorted = all.stream()
        .sorted(Comparator.comparing((PeerAuthentication p) -> p.id().namespace()).thenComparing(p -> p.id().name()))
        .toList();
    PeerAuthentication forWorkload = null;
    PeerAuthentication forNamespace = null;
    PeerAuthentication forMesh = null;
    for (PeerAuthentication p : sorted) {
      boolean here = p.id().namespace().equals(workload.namespace());
      if (here && forWorkload == null && p.selects(workload.labels())) {
        forWorkload = p;
      }
      if (here && forNamespace == null && p.selector().isEmpty()) {
        forNamespace = p;
      }
      if (p.id().namespace().equals(rootNamespace) && forMesh == null && p.selector().isEmpty()) {
        forMesh = p;
      }
    }
    MtlsMode mode = MtlsMode.PERMISSIVE;
    ResourceId source = null;
    for (PeerAuthentication p : new PeerAuthentication[] {forWorkload, forNamespace, forMesh}) {
      if (p != null && p.mode() != MtlsMode.UNSET) {
        mode = p.mode();
        source = p.id();
        break;
      }
    }
    // Port-level modes are the narrowest policy's. That is the workload's (Istio refuses them on a
    // policy without a selector), or, without one, a namespace policy that carries them anyway: xDS
    // delivers the workload's own inbound listeners as such a policy (mesh-xds-client's xds-inbound).
    PeerAuthentication portPolicy = forWorkload != null ? forWorkload : forNamespace;
    if (portPolicy == null || portPolicy.portLevelMtls().isEmpty()) {
      return new Resolution(mode, source, new int[0], new MtlsMode[0], null);
    }
    Map<Integer, MtlsMode> portLevel = portPolicy.portLevelMtls();
    int[] ports = portLevel.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    MtlsMode[] modes = new MtlsMode[ports.length];
    for (int i = 0; i < ports.length; i++) {
      MtlsMode m = portLevel.get(ports[i]);
      modes[i] = m == MtlsMode.UNSET ? mode : m;
    }
    return new Resolution(mode, source, ports, modes, portPolicy.id());
  }
}
