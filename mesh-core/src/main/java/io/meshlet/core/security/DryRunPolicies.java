package io.meshlet.core.security;

import io.meshlet.core.model.AuthorizationPolicy.Action;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AuthorizationPolicies in dry-run ({@code istio.io/dry-run: "true"}, or an RBAC filter's
 * {@code shadow_rules}) that apply to this workload, evaluated as Envoy evaluates shadow rules: two
 * engines beside the enforced ones. The dry-run DENY engine (CUSTOM included: it fails closed) would
 * deny a call matching one of its rules; the dry-run ALLOW engine would allow a call matching one of
 * its rules and deny any other. Nothing here ever changes a decision.
 *
 * <p>Every outcome is built once per snapshot, with its counter, so {@link #record} allocates nothing
 * (a contended {@link LongAdder} may grow its cells once). Each outcome is logged at INFO the first
 * time it happens and again with its running count at each power of ten (10, 100, ...): once per
 * policy and decision, and at most a handful of lines however busy the workload.
 */
final class DryRunPolicies {
  private static final Logger log = LoggerFactory.getLogger(DryRunPolicies.class);

  static final DryRunPolicies NONE = new DryRunPolicies(List.of(), List.of());

  /** One would-be decision of a dry-run engine, with its count. */
  static final class Outcome {
    final InboundDecision decision;
    final String engine;
    final LongAdder count = new LongAdder();

    Outcome(String engine, boolean allowed, @Nullable ResourceId policy, String reason) {
      this.engine = engine;
      this.decision = new InboundDecision(allowed, MtlsMode.PERMISSIVE, policy, reason);
    }

    void record() {
      count.increment();
      long n = count.sum();
      if (isPowerOfTen(n) && log.isInfoEnabled()) {
        log.info("dry-run {}: {} ({} time{} since this snapshot; not enforced)", engine, decision.reason(), n,
            n == 1 ? "" : "s");
      }
    }

    DryRunCount snapshot() {
      return new DryRunCount(engine, decision.policy(), decision.allowed(), decision.reason(), count.sum());
    }
  }

  private final CompiledPolicy[] deny;
  private final CompiledPolicy[] allow;
  /** {@code denyOutcomes[policy][rule]}, {@code allowOutcomes[policy][rule]}. */
  private final Outcome[][] denyOutcomes;
  private final Outcome[][] allowOutcomes;
  private final @Nullable Outcome noDenyMatched;
  private final @Nullable Outcome noAllowMatched;

  DryRunPolicies(List<CompiledPolicy> deny, List<CompiledPolicy> allow) {
    this.deny = deny.toArray(CompiledPolicy[]::new);
    this.allow = allow.toArray(CompiledPolicy[]::new);
    this.denyOutcomes = outcomes(this.deny, DryRunCount.DENY_ENGINE);
    this.allowOutcomes = outcomes(this.allow, DryRunCount.ALLOW_ENGINE);
    this.noDenyMatched = deny.isEmpty() ? null : new Outcome(DryRunCount.DENY_ENGINE, true, null,
        "would be allowed: no dry-run DENY rule matches");
    this.noAllowMatched = allow.isEmpty() ? null : new Outcome(DryRunCount.ALLOW_ENGINE, false, null,
        "would be denied: no dry-run ALLOW policy matched (" + allow.size() + " apply: "
            + allow.stream().map(CompiledPolicy::shortName).collect(Collectors.joining(", ")) + ")");
  }

  private static Outcome[][] outcomes(CompiledPolicy[] policies, String engine) {
    Outcome[][] out = new Outcome[policies.length][];
    for (int p = 0; p < policies.length; p++) {
      CompiledPolicy policy = policies[p];
      out[p] = new Outcome[policy.rules.length];
      boolean allowed = policy.policy.action() == Action.ALLOW;
      for (int r = 0; r < policy.rules.length; r++) {
        out[p][r] = new Outcome(engine, allowed, policy.id(), (allowed ? "would be allowed by " : "would be denied by ")
            + policy.policy.action() + " " + policy.id() + " rules[" + r + "] (dry-run)");
      }
    }
    return out;
  }

  boolean isEmpty() {
    return deny.length == 0 && allow.length == 0;
  }

  /** Evaluates both engines for {@code r} and counts (and maybe logs) their outcomes. */
  void record(InboundRequest r) {
    if (deny.length > 0) {
      outcome(deny, denyOutcomes, noDenyMatched, r).record();
    }
    if (allow.length > 0) {
      outcome(allow, allowOutcomes, noAllowMatched, r).record();
    }
  }

  /**
   * The combined would-be decision for {@code r}, as if the dry-run policies were enforced beside
   * none other: a dry-run DENY match, else the dry-run ALLOW engine's outcome, else allowed. Null when
   * no policy is in dry-run. Counts nothing (explain).
   */
  @Nullable InboundDecision wouldBe(InboundRequest r) {
    if (isEmpty()) {
      return null;
    }
    if (deny.length > 0) {
      Outcome o = outcome(deny, denyOutcomes, noDenyMatched, r);
      if (!o.decision.allowed() || allow.length == 0) {
        return o.decision;
      }
    }
    return outcome(allow, allowOutcomes, noAllowMatched, r).decision;
  }

  private static Outcome outcome(CompiledPolicy[] policies, Outcome[][] outcomes, @Nullable Outcome none,
      InboundRequest r) {
    for (int p = 0; p < policies.length; p++) {
      int rule = policies[p].firstMatch(r);
      if (rule >= 0) {
        return outcomes[p][rule];
      }
    }
    return java.util.Objects.requireNonNull(none);
  }

  CompiledPolicy[] denyPolicies() {
    return deny;
  }

  CompiledPolicy[] allowPolicies() {
    return allow;
  }

  /** Every outcome's count so far, in evaluation order. */
  List<DryRunCount> counts() {
    List<DryRunCount> out = new ArrayList<>();
    for (Outcome[][] group : new Outcome[][][] {denyOutcomes, allowOutcomes}) {
      for (Outcome[] policy : group) {
        for (Outcome o : policy) {
          out.add(o.snapshot());
        }
      }
    }
    if (noDenyMatched != null) {
      out.add(noDenyMatched.snapshot());
    }
    if (noAllowMatched != null) {
      out.add(noAllowMatched.snapshot());
    }
    return out;
  }

  private static boolean isPowerOfTen(long n) {
    while (n >= 10 && n % 10 == 0) {
      n /= 10;
    }
    return n == 1;
  }
}
