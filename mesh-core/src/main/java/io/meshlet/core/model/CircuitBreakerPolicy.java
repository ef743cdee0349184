package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * Meshlet's {@code CircuitBreaker} kind ({@code resilience.meshlet.io/v1alpha1}): a failure-rate
 * circuit breaker (Resilience4j's) on every cluster of {@code host}, or only on the listed subsets.
 * Istio has no such kind: its "circuit breaking" is the connection pool. Field names are
 * Resilience4j's, since it is Resilience4j's breaker.
 */
public record CircuitBreakerPolicy(
    ResourceId id,
    ResourceOrigin origin,
    String host,
    List<String> subsets,
    float failureRateThreshold,
    float slowCallRateThreshold,
    Duration slowCallDurationThreshold,
    int minimumNumberOfCalls,
    SlidingWindowType slidingWindowType,
    int slidingWindowSize,
    Duration waitDurationInOpenState,
    int permittedNumberOfCallsInHalfOpenState,
    List<String> exportTo,
    List<String> notYetApplied)
    implements MeshResource {

  public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50;
  public static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100;
  public static final Duration DEFAULT_SLOW_CALL_DURATION_THRESHOLD = Duration.ofSeconds(60);
  public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 20;
  public static final int DEFAULT_SLIDING_WINDOW_SIZE = 100;
  public static final Duration DEFAULT_WAIT_DURATION_IN_OPEN_STATE = Duration.ofSeconds(30);
  public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 5;

  /** Count-based: the last N calls; time-based: the calls of the last N seconds. */
  public enum SlidingWindowType {
    COUNT_BASED,
    TIME_BASED
  }

  public CircuitBreakerPolicy {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    requireNonNull(host, "host");
    subsets = List.copyOf(subsets);
    requireNonNull(slowCallDurationThreshold, "slowCallDurationThreshold");
    requireNonNull(slidingWindowType, "slidingWindowType");
    requireNonNull(waitDurationInOpenState, "waitDurationInOpenState");
    exportTo = List.copyOf(exportTo);
    notYetApplied = List.copyOf(notYetApplied);
  }

  /** True if this breaker covers the cluster of {@code subset} (null: the host's own cluster). */
  public boolean covers(@org.jspecify.annotations.Nullable String subset) {
    return subsets.isEmpty() || (subset != null && subsets.contains(subset));
  }

  /** The breaker's settings alone, for deciding whether a compiled breaker can be kept. */
  public List<Object> settings() {
    return List.of(failureRateThreshold, slowCallRateThreshold, slowCallDurationThreshold, minimumNumberOfCalls,
        slidingWindowType, slidingWindowSize, waitDurationInOpenState, permittedNumberOfCallsInHalfOpenState);
  }
}
