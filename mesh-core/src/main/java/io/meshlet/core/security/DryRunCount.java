package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.ResourceId;
import org.jspecify.annotations.Nullable;

/**
 * How often one would-be decision of the dry-run policies happened since the snapshot was compiled
 * ({@link InboundPolicies#dryRunCounts()}). The engines are named after the stat prefixes istiod
 * gives the RBAC filters' shadow rules, so a count reads like Envoy's {@code
 * istio_dry_run_deny_rbac.shadow_denied}.
 *
 * @param engine {@value #DENY_ENGINE} (dry-run DENY and CUSTOM policies) or {@value #ALLOW_ENGINE}
 * @param policy the policy whose rule matched; null for the engine's no-match outcome
 * @param allowed the would-be decision
 * @param reason the would-be decision's reason, as explain shows it
 */
public record DryRunCount(String engine, @Nullable ResourceId policy, boolean allowed, String reason, long count) {
  /** istiod's {@code shadow_rules_stat_prefix} of the DENY filter. */
  public static final String DENY_ENGINE = "istio_dry_run_deny_";
  /** istiod's {@code shadow_rules_stat_prefix} of the ALLOW filter. */
  public static final String ALLOW_ENGINE = "istio_dry_run_allow_";

  public DryRunCount {
    requireNonNull(engine, "engine");
    requireNonNull(reason, "reason");
  }
}
