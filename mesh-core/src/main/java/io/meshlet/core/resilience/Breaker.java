package io.meshlet.core.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.meshlet.core.model.CircuitBreakerPolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cluster's failure-rate circuit breaker: Resilience4j's, configured by a Meshlet {@code
 * CircuitBreaker} resource, on the mesh's clock. A call takes a permission before its first try
 * and records its final outcome (a 5xx or a failure with no response is an error).
 */
public final class Breaker {
  /** Recorded for a failed call; never thrown, so no stack trace. */
  private static final Exception FAILED = new Exception("call failed", null, false, false) {
    private static final long serialVersionUID = 1L;
  };

  private final CircuitBreaker breaker;
  private final List<Object> settings;
  private final String source;

  Breaker(String cluster, CircuitBreakerPolicy policy, MeshTime time) {
    CircuitBreakerConfig config = CircuitBreakerConfig.custom()
        .failureRateThreshold(policy.failureRateThreshold())
        .slowCallRateThreshold(policy.slowCallRateThreshold())
        .slowCallDurationThreshold(policy.slowCallDurationThreshold())
        .minimumNumberOfCalls(policy.minimumNumberOfCalls())
        .slidingWindow(policy.slidingWindowSize(), policy.minimumNumberOfCalls(),
            policy.slidingWindowType() == CircuitBreakerPolicy.SlidingWindowType.TIME_BASED
                ? CircuitBreakerConfig.SlidingWindowType.TIME_BASED
                : CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .waitDurationInOpenState(policy.waitDurationInOpenState())
        .permittedNumberOfCallsInHalfOpenState(policy.permittedNumberOfCallsInHalfOpenState())
        .writableStackTraceEnabled(false)
        .clock(new MeshTimeClock(time))
        .currentTimestampFunction(clock -> time.nanoTime(), TimeUnit.NANOSECONDS)
        .build();
    this.breaker = CircuitBreaker.of(cluster, config);
    this.settings = policy.settings();
    this.source = policy.id().toString();
  }

  boolean tryAcquire() {
    return breaker.tryAcquirePermission();
  }

  void release() {
    breaker.releasePermission();
  }

  void record(long durationNanos, boolean success) {
    if (success) {
      breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
    } else {
      breaker.onError(durationNanos, TimeUnit.NANOSECONDS, FAILED);
    }
  }

  /** {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ... */
  public String state() {
    return breaker.getState().name();
  }

  /** The failure rate in percent over the sliding window, or -1 before {@code minimumNumberOfCalls}. */
  public float failureRate() {
    return breaker.getMetrics().getFailureRate();
  }

  public int bufferedCalls() {
    return breaker.getMetrics().getNumberOfBufferedCalls();
  }

  /** The resource that configured this breaker: {@code CircuitBreaker default/reviews}. */
  public String source() {
    return source;
  }

  boolean sameSettings(CircuitBreakerPolicy policy) {
    return settings.equals(policy.settings());
  }

  @Override
  public String toString() {
    return "circuit breaker " + state() + " (failure rate " + (failureRate() < 0 ? "n/a" : failureRate() + "%")
        + " over " + bufferedCalls() + " calls; " + source + ")";
  }
}
