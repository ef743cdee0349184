package io.meshlet.xds.translate;

import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.PeerAuthentication;
import io.meshlet.core.model.RateLimitPolicy;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.xds.translate.InboundTranslator.Inbound;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This workload's inbound listeners into its security policies: one PeerAuthentication {@value
 * #PEER_AUTHENTICATION} (no selector, the workload's namespace) with each listener's port in {@code
 * portLevelMtls}; the AuthorizationPolicies of all listeners, the same policy written on several
 * listeners kept once (istiod writes the same RBAC on every port); the server-side rate limits,
 * likewise.
 */
final class InboundAssembler {
  static final String PEER_AUTHENTICATION = "xds-inbound";

  private InboundAssembler() {}

  record Security(List<PeerAuthentication> peerAuthentications, List<AuthorizationPolicy> authorizationPolicies,
      List<RateLimitPolicy> rateLimits) {}

  static Security assemble(List<Inbound> inbound, String namespace) {
    if (inbound.isEmpty()) {
      return new Security(List.of(), List.of(), List.of());
    }
    Map<Integer, MtlsMode> ports = new TreeMap<>();
    Map<String, AuthorizationPolicy> policies = new LinkedHashMap<>();
    List<RateLimitPolicy> limits = new ArrayList<>();
    for (Inbound in : inbound) {
      ports.put(in.port(), in.mode());
      for (AuthorizationPolicy p : in.policies()) {
        AuthorizationPolicy known = policies.get(p.id().name());
        if (known == null || !same(known, p)) {
          String name = known == null ? p.id().name() : p.id().name() + "-" + in.port();
          policies.put(name, rename(p, name));
        }
      }
      RateLimitPolicy rl = in.rateLimit();
      if (rl != null && limits.stream().noneMatch(k -> k.limitForPeriod() == rl.limitForPeriod()
          && k.limitRefreshPeriod().equals(rl.limitRefreshPeriod()))) {
        limits.add(rl);
      }
    }
    String listeners = String.join(", ", inbound.stream().map(Inbound::name).toList());
    PeerAuthentication pa = new PeerAuthentication(new ResourceId("PeerAuthentication", namespace, PEER_AUTHENTICATION),
        new ResourceOrigin("xds", "Listener " + listeners), Map.of(), MtlsMode.UNSET, ports, List.of());
    return new Security(List.of(pa), List.copyOf(policies.values()), limits);
  }

  private static boolean same(AuthorizationPolicy a, AuthorizationPolicy b) {
    return a.action() == b.action() && a.rules().equals(b.rules());
  }

  private static AuthorizationPolicy rename(AuthorizationPolicy p, String name) {
    if (p.id().name().equals(name)) {
      return p;
    }
    return new AuthorizationPolicy(new ResourceId(p.id().kind(), p.id().namespace(), name), p.origin(), p.selector(),
        p.action(), p.rules(), p.notYetApplied());
  }
}
