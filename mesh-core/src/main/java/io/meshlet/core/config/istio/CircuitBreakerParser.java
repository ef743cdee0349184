package io.meshlet.core.config.istio;

import static io.meshlet.core.model.CircuitBreakerPolicy.DEFAULT_FAILURE_RATE_THRESHOLD;
import static io.meshlet.core.model.CircuitBreakerPolicy.DEFAULT_MINIMUM_NUMBER_OF_CALLS;
import static io.meshlet.core.model.CircuitBreakerPolicy.DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;
import static io.meshlet.core.model.CircuitBreakerPolicy.DEFAULT_SLIDING_WINDOW_SIZE;
import static io.meshlet.core.model.CircuitBreakerPolicy.DEFAULT_SLOW_CALL_DURATION_THRESHOLD;
import static io.meshlet.core.model.CircuitBreakerPolicy.DEFAULT_SLOW_CALL_RATE_THRESHOLD;
import static io.meshlet.core.model.CircuitBreakerPolicy.DEFAULT_WAIT_DURATION_IN_OPEN_STATE;

import io.meshlet.core.config.ConfigLimits;
import io.meshlet.core.model.CircuitBreakerPolicy;
import io.meshlet.core.model.CircuitBreakerPolicy.SlidingWindowType;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code CircuitBreaker.spec} of {@code resilience.meshlet.io/v1alpha1}: host, subsets, Resilience4j's
 * breaker settings (under their Resilience4j names), exportTo. What is absent takes the model's default.
 */
final class CircuitBreakerParser {
  private static final List<String> WINDOW_TYPES =
      List.of(SlidingWindowType.COUNT_BASED.name(), SlidingWindowType.TIME_BASED.name());

  private CircuitBreakerParser() {}

  static CircuitBreakerPolicy parse(YamlObject spec, ResourceId id, ResourceOrigin origin) {
    String host = spec.qualifiedHost("host", id.namespace(), true);
    List<String> subsets = spec.names("subsets");
    Float failureRate = rate(spec, "failureRateThreshold");
    Float slowCallRate = rate(spec, "slowCallRateThreshold");
    Duration slowCallDuration = spec.positiveDuration("slowCallDurationThreshold");
    Long minimumCalls = spec.integer("minimumNumberOfCalls", 1, Integer.MAX_VALUE);
    SlidingWindowType windowType = SlidingWindowType.COUNT_BASED;
    Long windowSize = null;
    YamlObject window = spec.object("slidingWindow");
    if (window != null) {
      String type = window.enumValue("type", WINDOW_TYPES);
      if (type != null) {
        windowType = SlidingWindowType.valueOf(type);
      }
      boolean timeBased = windowType == SlidingWindowType.TIME_BASED;
      windowSize = window.integer("size", 1, timeBased ? ConfigLimits.MAX_TIME_WINDOW_SECONDS : ConfigLimits.MAX_COUNT_WINDOW);
    }
    Duration waitInOpen = spec.resilience4jInterval("waitDurationInOpenState");
    Long halfOpenCalls = spec.integer("permittedNumberOfCallsInHalfOpenState", 1, ConfigLimits.MAX_COUNT_WINDOW);
    List<String> exportTo = spec.strings("exportTo");
    return new CircuitBreakerPolicy(
        id,
        origin,
        host == null ? "" : host,
        subsets,
        failureRate == null ? DEFAULT_FAILURE_RATE_THRESHOLD : failureRate,
        slowCallRate == null ? DEFAULT_SLOW_CALL_RATE_THRESHOLD : slowCallRate,
        slowCallDuration == null ? DEFAULT_SLOW_CALL_DURATION_THRESHOLD : slowCallDuration,
        orDefault(minimumCalls, DEFAULT_MINIMUM_NUMBER_OF_CALLS),
        windowType,
        orDefault(windowSize, DEFAULT_SLIDING_WINDOW_SIZE),
        waitInOpen == null ? DEFAULT_WAIT_DURATION_IN_OPEN_STATE : waitInOpen,
        orDefault(halfOpenCalls, DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE),
        exportTo,
        spec.problems().notYetAppliedPaths());
  }

  /**
   * Why {@code breaker} may not join {@code earlier} (the breakers already accepted), or null. A
   * cluster gets one breaker: two breakers of the same host conflict when both cover all its
   * clusters, or one subset's cluster (a breaker without subsets covers every subset).
   *
   * @param where appended to the earlier breaker's id (" in other.yaml"), or empty
   */
  static @Nullable String conflict(CircuitBreakerPolicy breaker, CircuitBreakerPolicy earlier, String where) {
    if (!breaker.host().equals(earlier.host())) {
      return null;
    }
    String subset = sharedSubset(breaker, earlier);
    if (subset == null && !(breaker.subsets().isEmpty() && earlier.subsets().isEmpty())) {
      return null;
    }
    return "'" + breaker.host() + "'" + (subset == null ? "" : " subset " + subset) + " is already covered by "
        + earlier.id() + where + " (expected: one CircuitBreaker per cluster)";
  }

  /** The first subset (in {@code breaker}'s order) both cover; null if none, or if both cover all. */
  private static @Nullable String sharedSubset(CircuitBreakerPolicy breaker, CircuitBreakerPolicy earlier) {
    List<String> mine = breaker.subsets().isEmpty() ? earlier.subsets() : breaker.subsets();
    for (String s : mine) {
      if (earlier.covers(s) && breaker.covers(s)) {
        return s;
      }
    }
    return null;
  }

  /** A percentage > 0 and <= 100 that stays > 0 as the float Resilience4j keeps ({@code 1e-46} does not). */
  private static @Nullable Float rate(YamlObject spec, String field) {
    Double d = spec.positiveNumber(field, 100);
    if (d != null && d.floatValue() <= 0) {
      spec.problems().error(spec.path(field), d + " (expected: > 0 and <= 100; it is 0 as a 32-bit float)");
      return null;
    }
    return d == null ? null : d.floatValue();
  }

  private static int orDefault(@Nullable Long value, int defaultValue) {
    return value == null ? defaultValue : value.intValue();
  }
}
