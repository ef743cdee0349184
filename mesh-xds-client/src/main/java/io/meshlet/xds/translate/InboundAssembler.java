package io.meshlet.xds.translate;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.AuthorizationPolicy.Operation;
import io.meshlet.core.model.AuthorizationPolicy.Rule;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.PeerAuthentication;
import io.meshlet.core.model.RateLimitPolicy;
import io.meshlet.core.model.RequestAuthentication;
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
 * portLevelMtls}; the AuthorizationPolicies, which must be the same on every listener (istiod
 * writes the same RBAC on every port; the model applies policies to the whole workload, so
 * different ones would let one port's ALLOW open another port); the server-side rate limits, the
 * same limit kept once.
 *
 * <p>A declared server port whose inbound listener is not accepted (it does not exist, did not
 * come in time, or was rejected) fails closed, as gRFC A36 wants a server without its listener not
 * to serve: the port is STRICT in {@code portLevelMtls} and a DENY policy {@value #MISSING_PREFIX}{@code
 * <port>} refuses every call to it.
 */
final class InboundAssembler {
  static final String PEER_AUTHENTICATION = "xds-inbound";
  static final String MISSING_PREFIX = "xds-inbound-missing-";
  static final String HTTP_FILTERS_PATH = "filter_chains[0].filters[0].typed_config.http_filters";

  private InboundAssembler() {}

  record Security(List<PeerAuthentication> peerAuthentications, List<AuthorizationPolicy> authorizationPolicies,
      List<RateLimitPolicy> rateLimits, List<RequestAuthentication> requestAuthentications) {}

  /**
   * @param missing the declared inbound listeners (name → port) that are not among {@code inbound}
   * @param problems gets an ERROR (kind Listener) for a listener whose policies differ from the first one's,
   *     and a WARNING per missing listener
   */
  static Security assemble(List<Inbound> inbound, Map<String, Integer> missing, String namespace,
      List<ConfigProblem> problems) {
    if (inbound.isEmpty() && missing.isEmpty()) {
      return new Security(List.of(), List.of(), List.of(), List.of());
    }
    Map<Integer, MtlsMode> ports = new TreeMap<>();
    Map<String, AuthorizationPolicy> policies = new LinkedHashMap<>();
    List<RateLimitPolicy> limits = new ArrayList<>();
    Inbound first = null;
    for (Inbound in : inbound) {
      ports.put(in.port(), in.mode());
      if (first == null) {
        first = in;
        for (AuthorizationPolicy p : in.policies()) {
          policies.put(p.id().name(), p);
        }
      } else if (!meaning(first).equals(meaning(in))) {
        problems.add(ConfigProblem.error("Listener", in.name(), Problems.LOCATION, HTTP_FILTERS_PATH,
            "RBAC policies differ from those of Listener " + first.name() + " (expected: the same policies on every inbound "
                + "listener; Meshlet applies one set of policies to every port of the workload, so " + in.name() + "'s and "
                + first.name() + "'s would both apply to both ports)"));
      }
      RateLimitPolicy rl = in.rateLimit();
      if (rl != null && limits.stream().noneMatch(k -> k.limitForPeriod() == rl.limitForPeriod()
          && k.limitRefreshPeriod().equals(rl.limitRefreshPeriod()))) {
        limits.add(rl);
      }
    }
    List<String> names = new ArrayList<>(inbound.stream().map(Inbound::name).toList());
    for (Map.Entry<String, Integer> m : missing.entrySet()) {
      int port = m.getValue();
      String name = MISSING_PREFIX + port;
      names.add(m.getKey() + " (not accepted)");
      ports.put(port, MtlsMode.STRICT);
      Operation toPort = new Operation(List.of(), List.of(), List.of(port), List.of(), List.of(), List.of(), List.of(), List.of());
      policies.put(name, new AuthorizationPolicy(new ResourceId("AuthorizationPolicy", namespace, name),
          new ResourceOrigin("xds", "Listener " + m.getKey() + " (not accepted)"), Map.of(), AuthorizationPolicy.Action.DENY,
          List.of(new Rule(List.of(), List.of(toPort), List.of())), List.of()));
      problems.add(ConfigProblem.warning("Listener", m.getKey(), Problems.LOCATION, "",
          "no accepted inbound listener for server port " + port + " (it does not exist, did not arrive in time, or was "
              + "rejected): every call to port " + port + " is denied (AuthorizationPolicy " + name + ", mTLS STRICT) until "
              + "one is accepted"));
    }
    PeerAuthentication pa = new PeerAuthentication(new ResourceId("PeerAuthentication", namespace, PEER_AUTHENTICATION),
        new ResourceOrigin("xds", "Listener " + String.join(", ", names)), Map.of(), MtlsMode.UNSET, ports, List.of());
    RequestAuthentication jwt = first == null ? null : first.jwt();
    return new Security(List.of(pa), List.copyOf(policies.values()), limits, jwt == null ? List.of() : List.of(jwt));
  }

  /** What a listener's policies decide: each by name, its action and rules (not its origin, which names the listener). */
  private static Map<String, List<Object>> meaning(Inbound in) {
    Map<String, List<Object>> out = new TreeMap<>();
    for (AuthorizationPolicy p : in.policies()) {
      out.put(p.id().name(), List.of(p.action(), p.rules(), p.dryRun()));
    }
    out.put(" jwt_authn", in.jwt() == null ? List.of() : List.of(in.jwt().jwtRules()));
    return out;
  }
}
