package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.AuthorizationPolicy.Condition;
import io.meshlet.core.model.AuthorizationPolicy.Operation;
import io.meshlet.core.model.AuthorizationPolicy.Rule;
import io.meshlet.core.model.AuthorizationPolicy.Source;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.security.PolicyValues;
import io.meshlet.xds.translate.RbacTree.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One RBAC HTTP filter ({@code envoy.extensions.filters.http.rbac.v3.RBAC}) of an inbound listener
 * into AuthorizationPolicies: each policy of {@code rules.policies} becomes a policy of one rule
 * named after it (istiod names them {@code <namespace>-<policy>-<rule index>}), with the filter's
 * action ({@code LOG} is Istio's {@code AUDIT}). Permissions become the rule's {@code to}, principals
 * its {@code from}, and request-header matchers on principals its {@code when}. An ALLOW filter with
 * no policies allows nothing: one policy without rules. The filter's {@code shadow_rules} (istiod's
 * dry-run policies, {@code shadow_rules_stat_prefix} {@code istio_dry_run_allow_} or {@code
 * istio_dry_run_deny_}) become the same policies in dry-run: evaluated, never enforced.
 */
final class RbacTranslator {
  static final String TYPE_URL = "type.googleapis.com/" + RBAC.getDescriptor().getFullName();

  private RbacTranslator() {}

  static List<AuthorizationPolicy> translate(RBAC filter, String filterName, String namespace, ResourceOrigin origin,
      String path, Problems problems) {
    if (filter.hasMatcher() || filter.hasShadowMatcher()) {
      problems.error(path + (filter.hasMatcher() ? ".matcher" : ".shadow_matcher"), "not supported (expected: rules)");
      return List.of();
    }
    List<AuthorizationPolicy> out = new ArrayList<>();
    if (filter.hasRules()) { // Envoy: no rules, no enforcement
      out.addAll(policies(filter.getRules(), filterName, namespace, origin, path + ".rules", false, problems));
    }
    if (filter.hasShadowRules()) {
      // istiod's dry-run policies (istio.io/dry-run): evaluated, counted and explained, never enforced.
      out.addAll(policies(filter.getShadowRules(), filterName + "-dry-run", namespace, origin, path + ".shadow_rules",
          true, problems));
    }
    return out;
  }

  private static List<AuthorizationPolicy> policies(io.envoyproxy.envoy.config.rbac.v3.RBAC rules, String filterName,
      String namespace, ResourceOrigin origin, String rp, boolean dryRun, Problems problems) {
    AuthorizationPolicy.Action action;
    switch (rules.getAction()) {
      case ALLOW:
        action = AuthorizationPolicy.Action.ALLOW;
        break;
      case DENY:
        action = AuthorizationPolicy.Action.DENY;
        break;
      case LOG:
        action = AuthorizationPolicy.Action.AUDIT;
        break;
      default:
        problems.error(rp + ".action", rules.getAction() + " (expected: ALLOW, DENY or LOG)");
        return List.of();
    }
    if (rules.hasAuditLoggingOptions()) {
      problems.ignored(rp + ".audit_logging_options", "RBAC audit logging is not applied by Meshlet");
    }
    List<AuthorizationPolicy> out = new ArrayList<>();
    if (rules.getPoliciesCount() == 0) {
      if (action == AuthorizationPolicy.Action.ALLOW) {
        out.add(policy(filterName, namespace, origin, action, List.of(), dryRun));
      }
      return out;
    }
    for (Map.Entry<String, Policy> e : new TreeMap<>(rules.getPoliciesMap()).entrySet()) {
      Rule rule = rule(e.getValue(), rp + ".policies[" + e.getKey() + "]", problems);
      if (rule != null) {
        out.add(policy(e.getKey(), namespace, origin, action, List.of(rule), dryRun));
      }
    }
    return out;
  }

  private static AuthorizationPolicy policy(String name, String namespace, ResourceOrigin origin,
      AuthorizationPolicy.Action action, List<Rule> rules, boolean dryRun) {
    return new AuthorizationPolicy(new ResourceId("AuthorizationPolicy", namespace, name), origin, Map.of(), action, rules,
        List.of(), List.of(), dryRun);
  }

  /** The policy as one Istio rule, or null after an error. */
  private static @Nullable Rule rule(Policy policy, String path, Problems problems) {
    int before = problems.errorCount();
    if (policy.hasCondition() || policy.hasCheckedCondition()) {
      problems.error(path + (policy.hasCondition() ? ".condition" : ".checked_condition"), "CEL conditions are not supported");
    }
    if (policy.getPermissionsCount() == 0 || policy.getPrincipalsCount() == 0) {
      problems.error(path + (policy.getPermissionsCount() == 0 ? ".permissions" : ".principals"), "empty (expected: at least one)");
    }
    List<Operation> to = new ArrayList<>();
    boolean anyOperation = false;
    List<Condition> onPermissions = null;
    for (int i = 0; i < policy.getPermissionsCount(); i++) {
      String pp = path + ".permissions[" + i + "]";
      Fields f = RbacTree.permission(policy.getPermissions(i), pp, problems);
      // destination.ip and connection.sni are when conditions istiod writes into every permission.
      List<Condition> conditions = conditions(f, RbacTranslator::isPermissionCondition);
      if (onPermissions == null) {
        onPermissions = conditions;
      } else if (!onPermissions.equals(conditions)) {
        problems.error(pp, "destination.ip / connection.sni conditions differ from permissions[0]'s (expected: the same on "
            + "every permission, as Istio writes a rule's when)");
      }
      f.values.keySet().removeIf(RbacTranslator::isPermissionCondition);
      f.notValues.keySet().removeIf(RbacTranslator::isPermissionCondition);
      if (f.values.isEmpty() && f.notValues.isEmpty()) {
        anyOperation = true;
      }
      to.add(operation(f, pp, problems));
    }
    List<Source> from = new ArrayList<>();
    List<Condition> when = null;
    boolean anySource = false;
    for (int i = 0; i < policy.getPrincipalsCount(); i++) {
      String pp = path + ".principals[" + i + "]";
      Fields f = RbacTree.principal(policy.getPrincipals(i), pp, problems);
      List<Condition> conditions = conditions(f, RbacTranslator::isCondition);
      if (when == null) {
        when = conditions;
      } else if (!when.equals(conditions)) {
        problems.error(pp, "request header conditions differ from principals[0]'s (expected: the same on every principal, "
            + "as Istio writes a rule's when)");
      }
      Source s = source(f);
      anySource |= s.equals(EMPTY_SOURCE);
      from.add(s);
    }
    if (problems.errorCount() > before) {
      return null;
    }
    List<Condition> all = new ArrayList<>(when == null ? List.of() : when);
    all.addAll(onPermissions == null ? List.of() : onPermissions);
    all.sort(java.util.Comparator.comparing(Condition::key));
    return new Rule(anySource ? List.of() : from, anyOperation ? List.of() : to, List.copyOf(all));
  }

  private static final Source EMPTY_SOURCE =
      new Source(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

  private static Operation operation(Fields f, String path, Problems problems) {
    for (String field : f.values.keySet()) {
      checkField(field, path, problems, RbacLeaves.METHODS, RbacLeaves.HOSTS, RbacLeaves.PATHS, RbacLeaves.PORTS);
    }
    return new Operation(f.values(RbacLeaves.HOSTS), f.notValues(RbacLeaves.HOSTS),
        ports(f.values(RbacLeaves.PORTS)), ports(f.notValues(RbacLeaves.PORTS)),
        f.values(RbacLeaves.METHODS), f.notValues(RbacLeaves.METHODS),
        f.values(RbacLeaves.PATHS), f.notValues(RbacLeaves.PATHS));
  }

  private static void checkField(String field, String path, Problems problems, String... known) {
    if (!List.of(known).contains(field)) {
      problems.error(path, "matches " + field + " (expected: one of " + String.join(", ", known) + ")");
    }
  }

  private static List<Integer> ports(List<String> values) {
    return values.stream().map(Integer::valueOf).toList();
  }

  private static Source source(Fields f) {
    return new Source(f.values(RbacLeaves.PRINCIPALS), f.notValues(RbacLeaves.PRINCIPALS),
        f.values(RbacLeaves.NAMESPACES), f.notValues(RbacLeaves.NAMESPACES),
        f.values(RbacLeaves.IP_BLOCKS), f.notValues(RbacLeaves.IP_BLOCKS),
        f.values(RbacLeaves.REMOTE_IP_BLOCKS), f.notValues(RbacLeaves.REMOTE_IP_BLOCKS),
        f.values(RbacLeaves.REQUEST_PRINCIPALS), f.notValues(RbacLeaves.REQUEST_PRINCIPALS),
        f.values(RbacLeaves.SERVICE_ACCOUNTS), f.notValues(RbacLeaves.SERVICE_ACCOUNTS),
        f.values(RbacLeaves.TRUST_DOMAINS), f.notValues(RbacLeaves.TRUST_DOMAINS));
  }

  /** The request-header and JWT ({@code request.auth.*}) fields, as {@code when} conditions sorted by key. */
  private static List<Condition> conditions(Fields f, java.util.function.Predicate<String> isCondition) {
    TreeMap<String, Condition> byKey = new TreeMap<>();
    for (String key : f.values.keySet()) {
      if (isCondition.test(key)) {
        byKey.put(key, new Condition(key, f.values(key), f.notValues(key)));
      }
    }
    for (String key : f.notValues.keySet()) {
      if (isCondition.test(key) && !byKey.containsKey(key)) {
        byKey.put(key, new Condition(key, List.of(), f.notValues(key)));
      }
    }
    return List.copyOf(byKey.values());
  }

  /** A permission field that is a {@code when} key: {@code destination.ip}, {@code connection.sni}. */
  private static boolean isPermissionCondition(String key) {
    PolicyValues.WhenKey k = PolicyValues.WhenKey.of(key);
    return k == PolicyValues.WhenKey.DESTINATION_IP || k == PolicyValues.WhenKey.CONNECTION_SNI;
  }

  /** A principal field that is a {@code when} key: a request header or a JWT attribute other than the request principal. */
  private static boolean isCondition(String key) {
    PolicyValues.WhenKey k = PolicyValues.WhenKey.of(key);
    return k == PolicyValues.WhenKey.REQUEST_HEADER || (k != null && k.needsJwt());
  }
}
