package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Why a call would be allowed or denied: the mutual TLS mode and where it comes from, then each
 * applicable AuthorizationPolicy and, per rule, whether it matched and why not.
 *
 * @param steps one line each, in evaluation order
 * @param dryRun what the policies in dry-run would decide (never enforced); null when none is in dry-run
 */
public record InboundExplanation(InboundDecision decision, List<String> steps, @Nullable InboundDecision dryRun) {
  public InboundExplanation {
    requireNonNull(decision, "decision");
    steps = List.copyOf(steps);
  }

  /** An explanation without policies in dry-run. */
  public InboundExplanation(InboundDecision decision, List<String> steps) {
    this(decision, steps, null);
  }

  @Override
  public String toString() {
    return String.join("\n", steps) + "\n=> " + (decision.allowed() ? "ALLOW" : "DENY") + ": " + decision.reason()
        + (dryRun == null ? "" : "\n=> dry-run (not enforced): " + (dryRun.allowed() ? "ALLOW" : "DENY") + ": "
            + dryRun.reason());
  }
}
