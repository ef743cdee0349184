package io.meshlet.core.security;

import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.ResourceId;

/**
 * One AuthorizationPolicy that applies to this workload, with its rules compiled and, per rule and
 * mutual TLS mode, the decision it makes when that rule is the first to match. A {@code CUSTOM}
 * rule denies: the call would go to external authorization, which Meshlet does not have (fail closed).
 */
final class CompiledPolicy {
  final AuthorizationPolicy policy;
  final CompiledRule[] rules;
  /** {@code decisions[rule][mode.ordinal()]}. */
  private final InboundDecision[][] decisions;

  CompiledPolicy(AuthorizationPolicy policy, int numTrustedProxies) {
    this.policy = policy;
    this.rules = policy.rules().stream().map(r -> CompiledRule.compile(r, numTrustedProxies))
        .toArray(CompiledRule[]::new);
    AuthorizationPolicy.Action action = policy.action();
    boolean allow = action != AuthorizationPolicy.Action.DENY && action != AuthorizationPolicy.Action.CUSTOM;
    this.decisions = new InboundDecision[rules.length][];
    for (int i = 0; i < rules.length; i++) {
      decisions[i] = InboundPolicies.perMode(allow, policy.id(), action == AuthorizationPolicy.Action.CUSTOM
          ? "denied by CUSTOM " + policy.id() + " rules[" + i + "]: external authorization is not supported by "
              + "Meshlet, so the calls it would check are denied"
          : (allow ? "allowed by " : "denied by ") + policy.id() + " rules[" + i + "]");
    }
  }

  ResourceId id() {
    return policy.id();
  }

  /** The index of the first rule that matches {@code r}, or -1. */
  int firstMatch(InboundRequest r) {
    for (int i = 0; i < rules.length; i++) {
      if (rules[i].matches(r)) {
        return i;
      }
    }
    return -1;
  }

  InboundDecision decision(int rule, MtlsMode mode) {
    return decisions[rule][mode.ordinal()];
  }

  /** {@code default/name}, as the no-match reason lists policies. */
  String shortName() {
    return policy.id().namespace() + "/" + policy.id().name();
  }
}
