package io.meshlet.core.config.istio;

import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.AuthorizationPolicy.Action;
import io.meshlet.core.model.AuthorizationPolicy.Condition;
import io.meshlet.core.model.AuthorizationPolicy.Operation;
import io.meshlet.core.model.AuthorizationPolicy.Rule;
import io.meshlet.core.model.AuthorizationPolicy.Source;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.security.PolicyValues;
import io.meshlet.core.security.PolicyValues.WhenKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * {@code AuthorizationPolicy.spec} of {@code security.istio.io/v1} (or {@code v1beta1}), checked as
 * Istio checks it. Read but not applied, each with a warning: {@code CUSTOM} (no external
 * authorization: calls matching its rules are denied), {@code targetRef}/{@code targetRefs} (the policy applies to no workload).
 * {@code requestPrincipals} and the {@code request.auth.*} keys are applied: they read the token a
 * RequestAuthentication validated (absent without one). {@code serviceAccounts} values and {@code
 * source.serviceAccount} values are qualified to {@code namespace/name} with the policy's namespace;
 * {@code trustDomains} and {@code source.trustDomain} match the peer's SPIFFE trust domain.
 * The {@code experimental.envoy.filters.*} keys are accepted with a warning: no Envoy filter metadata
 * exists in-process, so the attribute is absent.
 */
final class AuthorizationPolicyParser {
  private static final List<String> ACTIONS = List.of("ALLOW", "DENY", "AUDIT", "CUSTOM");

  private static final List<String> SOURCE_FIELDS = List.of("principals", "notPrincipals", "namespaces",
      "notNamespaces", "ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks", "requestPrincipals",
      "notRequestPrincipals", "serviceAccounts", "notServiceAccounts", "trustDomains", "notTrustDomains");
  /** Istio's CRD rule: serviceAccounts cannot be combined with principals or namespaces, positive or negative. */
  private static final List<String> SERVICE_ACCOUNT_EXCLUSIVE = List.of("principals", "notPrincipals", "namespaces",
      "notNamespaces");
  /** Source fields Istio refuses with CUSTOM (the external authorizer cannot see them). */
  private static final List<String> CUSTOM_UNSUPPORTED_SOURCE_FIELDS = List.of("principals", "notPrincipals",
      "namespaces", "notNamespaces", "requestPrincipals", "notRequestPrincipals", "serviceAccounts",
      "notServiceAccounts", "trustDomains", "notTrustDomains");
  private static final List<String> OPERATION_FIELDS = List.of("hosts", "notHosts", "ports", "notPorts", "methods",
      "notMethods", "paths", "notPaths");

  private AuthorizationPolicyParser() {}

  static AuthorizationPolicy parse(YamlObject spec, ResourceId id, ResourceOrigin origin, boolean dryRun) {
    Problems problems = spec.problems();
    Map<String, String> selector = PeerAuthenticationParser.selector(spec);
    List<String> targets = targets(spec, id);
    if (!targets.isEmpty() && spec.has("selector")) {
      problems.error(spec.path("selector"), "given with " + (spec.has("targetRef") ? "targetRef" : "targetRefs")
          + " (expected: one of selector, targetRef or targetRefs)");
    }
    String actionName = spec.enumValue("action", ACTIONS);
    Action action = actionName == null ? Action.ALLOW : Action.valueOf(actionName);
    YamlObject provider = spec.object("provider");
    if (provider != null) {
      provider.requiredString("name");
      problems.acceptedUnused(provider.path(), "no external authorization in-process: the CUSTOM action's warning says so,"
          + " and calls matching its rules are denied");
    }
    if (action == Action.CUSTOM) {
      if (!spec.has("provider")) {
        problems.error(spec.path("provider"), "missing (required with action CUSTOM)");
      }
      problems.notYetApplied(spec.path("action"),
          "CUSTOM (external authorization) is not supported by Meshlet; calls matching this policy's rules are denied");
    } else if (spec.has("provider")) {
      problems.error(spec.path("provider"), "given with action " + action + " (expected: only with action CUSTOM)");
    }
    List<Rule> rules = new ArrayList<>();
    for (YamlObject r : spec.objects("rules")) {
      rules.add(rule(r, action, id.namespace()));
    }
    if ((action == Action.DENY || action == Action.CUSTOM) && emptyList(spec, "rules")) {
      // Istio's ValidateAuthorizationPolicy: such a policy would never be triggered.
      problems.error(spec.path("rules"), (spec.has("rules") ? "empty" : "missing") + ": " + action
          + " action without rules is meaningless as it will never be triggered (expected: at least one rule; "
          + "add an empty rule {} to trigger it for every request)");
    }
    return new AuthorizationPolicy(id, origin, selector, action, rules, problems.notYetAppliedPaths(), targets, dryRun);
  }

  /** {@code targetRef} and {@code targetRefs} as {@code Kind namespace/name}, reported as not applied. */
  static List<String> targets(YamlObject spec, ResourceId id) {
    List<YamlObject> refs = new ArrayList<>();
    YamlObject single = spec.object("targetRef");
    if (single != null) {
      refs.add(single);
    }
    refs.addAll(spec.objects("targetRefs"));
    if (single != null && spec.has("targetRefs")) {
      spec.problems().error(spec.path("targetRefs"), "given with targetRef (expected: one of them)");
    }
    List<String> out = new ArrayList<>();
    for (YamlObject ref : refs) {
      ref.string("group");
      String kind = ref.requiredString("kind");
      String name = ref.requiredString("name");
      String ns = ref.string("namespace");
      out.add(kind + " " + (ns == null || ns.isEmpty() ? id.namespace() : ns) + "/" + name);
    }
    if (spec.has("targetRef") || spec.has("targetRefs")) {
      String field = single != null ? "targetRef" : "targetRefs";
      spec.problems().notYetApplied(spec.path(field),
          "not applied by Meshlet (it targets a Gateway or Service, not this workload); this policy applies to no workload");
    }
    return out;
  }

  private static Rule rule(YamlObject r, Action action, String namespace) {
    Problems problems = r.problems();
    for (String f : List.of("from", "to")) {
      if (r.has(f) && emptyList(r, f)) {
        problems.error(r.path(f), "empty: `" + f + "` must not be empty (expected: at least one entry; leave out " + f
            + " to match any " + (f.equals("from") ? "source" : "operation") + ")");
      }
    }
    List<Source> from = new ArrayList<>();
    for (YamlObject f : r.objects("from")) {
      YamlObject s = f.object("source");
      if (s == null) {
        if (!f.has("source")) {
          problems.error(f.path("source"), "missing (required)");
        }
        continue;
      }
      from.add(source(s, action, namespace));
    }
    List<Operation> to = new ArrayList<>();
    for (YamlObject t : r.objects("to")) {
      YamlObject o = t.object("operation");
      if (o == null) {
        if (!t.has("operation")) {
          problems.error(t.path("operation"), "missing (required)");
        }
        continue;
      }
      to.add(operation(o));
    }
    List<Condition> when = new ArrayList<>();
    for (YamlObject w : r.objects("when")) {
      Condition c = condition(w, action, namespace);
      if (c != null) {
        when.add(c);
      }
    }
    return new Rule(from, to, when);
  }

  private static Source source(YamlObject s, Action action, String namespace) {
    Function<String, @Nullable String> match = PolicyValues::matchStringProblem;
    Function<String, @Nullable String> ip = PolicyValues::ipProblem;
    List<String> serviceAccounts = serviceAccounts(s, "serviceAccounts", namespace);
    List<String> notServiceAccounts = serviceAccounts(s, "notServiceAccounts", namespace);
    Source source = new Source(
        s.strings("principals", match),
        s.strings("notPrincipals", match),
        s.strings("namespaces", match),
        s.strings("notNamespaces", match),
        s.strings("ipBlocks", ip),
        s.strings("notIpBlocks", ip),
        s.strings("remoteIpBlocks", ip),
        s.strings("notRemoteIpBlocks", ip),
        s.strings("requestPrincipals", match),
        s.strings("notRequestPrincipals", match),
        serviceAccounts,
        notServiceAccounts,
        s.strings("trustDomains", PolicyValues::trustDomainProblem),
        s.strings("notTrustDomains", PolicyValues::trustDomainProblem));
    if (anyGiven(s, List.of("serviceAccounts", "notServiceAccounts"))) {
      for (String f : SERVICE_ACCOUNT_EXCLUSIVE) {
        if (anyGiven(s, List.of(f))) {
          s.problems().error(s.path(f), "given with serviceAccounts or notServiceAccounts (expected: cannot set "
              + "serviceAccounts with namespaces or principals)");
        }
      }
    }
    if (action == Action.CUSTOM) {
      for (String f : CUSTOM_UNSUPPORTED_SOURCE_FIELDS) {
        if (anyGiven(s, List.of(f))) {
          s.problems().error(s.path(f), "From." + Character.toUpperCase(f.charAt(0)) + f.substring(1)
              + " is currently not supported with CUSTOM action");
        }
      }
    }
    if (empty(source.principals(), source.notPrincipals(), source.namespaces(), source.notNamespaces(),
        source.ipBlocks(), source.notIpBlocks(), source.remoteIpBlocks(), source.notRemoteIpBlocks(),
        source.requestPrincipals(), source.notRequestPrincipals(), source.serviceAccounts(),
        source.notServiceAccounts(), source.trustDomains(), source.notTrustDomains()) && !anyGiven(s, SOURCE_FIELDS)) {
      s.problems().error(s.path(), "empty (expected: at least one field; leave out from to match any source)");
    }
    return source;
  }

  private static Operation operation(YamlObject o) {
    Function<String, @Nullable String> match = PolicyValues::matchStringProblem;
    Function<String, @Nullable String> method = v -> v.isEmpty() ? "'' (expected: a non-empty value)" : null;
    Operation op = new Operation(
        o.strings("hosts", match),
        o.strings("notHosts", match),
        ports(o, "ports"),
        ports(o, "notPorts"),
        o.strings("methods", method),
        o.strings("notMethods", method),
        o.strings("paths", PolicyValues::pathProblem),
        o.strings("notPaths", PolicyValues::pathProblem));
    if (empty(op.hosts(), op.notHosts(), op.ports(), op.notPorts(), op.methods(), op.notMethods(), op.paths(),
        op.notPaths()) && !anyGiven(o, OPERATION_FIELDS)) {
      o.problems().error(o.path(), "empty (expected: at least one field; leave out to to match any operation)");
    }
    return op;
  }

  /**
   * {@code serviceAccounts}/{@code notServiceAccounts} as Istio checks them ({@code name} or {@code
   * namespace/name}, no wildcard, at most {@value PolicyValues#MAX_SERVICE_ACCOUNTS} values), each
   * qualified with the policy's namespace when it has none.
   */
  private static List<String> serviceAccounts(YamlObject o, String field, String namespace) {
    List<String> values = o.strings(field, PolicyValues::serviceAccountProblem);
    if (values.size() > PolicyValues.MAX_SERVICE_ACCOUNTS) {
      o.problems().error(o.path(field), values.size() + " values (expected: at most " + PolicyValues.MAX_SERVICE_ACCOUNTS + ")");
    }
    return values.stream().map(v -> PolicyValues.qualifiedServiceAccount(v, namespace)).toList();
  }

  /** Istio writes ports as strings ({@code ["8080"]}); numbers are accepted too. */
  private static List<Integer> ports(YamlObject o, String field) {
    JsonNode n = o.node(field);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      o.problems().error(o.path(field), Values.render(n) + " (expected: a list of ports)");
      return List.of();
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      Long v = Values.integer(o.problems(), o.path(field) + "[" + i + "]", n.get(i), 1, 65535);
      if (v != null) {
        out.add(v.intValue());
      }
    }
    return out;
  }

  private static @Nullable Condition condition(YamlObject w, Action action, String namespace) {
    Problems problems = w.problems();
    String key = w.requiredString("key");
    Function<String, @Nullable String> check = valueCheck(key);
    List<String> values = w.strings("values", check);
    List<String> notValues = w.strings("notValues", check);
    if (key == null) {
      return null;
    }
    WhenKey known = WhenKey.of(key);
    if (known == null) {
      problems.error(w.path("key"), "'" + key + "' (expected: one of " + String.join(", ", PolicyValues.WHEN_KEYS) + ")");
      return null;
    }
    if (emptyLists(w)) {
      problems.error(w.path(), "values and notValues both empty for key " + key + " (expected: at least one value)");
    }
    if (action == Action.CUSTOM && known.identity()) {
      problems.error(w.path("key"), key + " is currently not supported with CUSTOM action");
    } else if (known == WhenKey.ENVOY_FILTER) {
      problems.notYetApplied(w.path("key"), "'" + key + "' reads Envoy filter metadata, which does not exist in-process: "
          + "the attribute is absent, so values never match and notValues always hold");
    } else if (known.absent()) {
      problems.notYetApplied(w.path("key"), "'" + key + "' is not known to Meshlet: the attribute is absent, "
          + "so values never match and notValues always hold");
    }
    if (known == WhenKey.SOURCE_SERVICE_ACCOUNT) {
      for (List<String> l : List.of(values, notValues)) {
        if (l.size() > PolicyValues.MAX_SERVICE_ACCOUNTS) {
          problems.error(w.path(l == values ? "values" : "notValues"), l.size() + " values (expected: at most "
              + PolicyValues.MAX_SERVICE_ACCOUNTS + ")");
        }
      }
      values = values.stream().map(v -> PolicyValues.qualifiedServiceAccount(v, namespace)).toList();
      notValues = notValues.stream().map(v -> PolicyValues.qualifiedServiceAccount(v, namespace)).toList();
    }
    return new Condition(key, values, notValues);
  }

  /** True if {@code field} is absent, null or an empty list (a non-list is reported by {@code objects}). */
  private static boolean emptyList(YamlObject o, String field) {
    JsonNode n = o.has(field) ? o.node(field) : null;
    return n == null || n.isArray() && n.isEmpty();
  }

  /** True if each of values and notValues is absent or an empty list. */
  private static boolean emptyLists(YamlObject w) {
    JsonNode values = w.node("values");
    JsonNode notValues = w.node("notValues");
    return (values == null || values.isArray() && values.isEmpty())
        && (notValues == null || notValues.isArray() && notValues.isEmpty());
  }

  /** The value check of {@code key}'s values; match strings for a key that is missing or unknown (reported by the caller). */
  private static Function<String, @Nullable String> valueCheck(@Nullable String key) {
    WhenKey known = key == null ? null : WhenKey.of(key);
    return known == null ? PolicyValues::matchStringProblem : known::valueProblem;
  }

  @SafeVarargs
  private static boolean empty(List<?>... lists) {
    for (List<?> l : lists) {
      if (!l.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** True if some field was written (its entries may all have been wrong, which is reported already). */
  private static boolean anyGiven(YamlObject o, List<String> fields) {
    for (String f : fields) {
      JsonNode n = o.has(f) ? o.node(f) : null;
      if (n != null && !(n.isArray() && n.isEmpty())) {
        return true;
      }
    }
    return false;
  }
}
