package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Why a call would be allowed or denied: the mutual TLS mode and where it comes from, then each
 * applicable AuthorizationPolicy and, per rule, whether it matched and why not.
 *
 * @param steps one line each, in evaluation order
 */
public record InboundExplanation(InboundDecision decision, List<String> steps) {
  public InboundExplanation {
    requireNonNull(decision, "decision");
    steps = List.copyOf(steps);
  }

  @Override
  public String toString() {
    return String.join("\n", steps) + "\n=> " + (decision.allowed() ? "ALLOW" : "DENY") + ": " + decision.reason();
  }
}
