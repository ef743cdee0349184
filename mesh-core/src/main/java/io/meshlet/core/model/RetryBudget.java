package io.meshlet.core.model;

/**
 * Retries in flight to a cluster may be at most {@code percent} % of its requests in flight, and
 * always at least {@code minRetryConcurrency}. Meshlet applies {@link #DEFAULT} when none is set,
 * as Linkerd and Finagle do, so a failing service cannot draw a retry storm.
 */
public record RetryBudget(double percent, int minRetryConcurrency) {
  public static final RetryBudget DEFAULT = new RetryBudget(20.0, 3);
}
