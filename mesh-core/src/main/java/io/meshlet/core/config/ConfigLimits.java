package io.meshlet.core.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The bounds every translator holds config to, one home per rule: what Resilience4j and the JDK
 * would refuse later, and sizes that cost memory or time. {@code docs/configuration.md} ("Limits")
 * lists them; host names, header names and regexes have theirs in {@link HostNames}, {@link
 * HeaderNames} and {@link Regexes}.
 */
public final class ConfigLimits {
  /** The longest duration the mesh holds: 2^63-1 ns, about 292 years ({@link Duration#toNanos()}). */
  public static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);

  /**
   * The shortest interval Resilience4j accepts for {@code waitDurationInOpenState} and retry
   * backoff (its {@code IntervalFunction}): 1 ms.
   */
  public static final Duration MIN_RESILIENCE4J_INTERVAL = Duration.ofMillis(1);

  /**
   * The largest COUNT_BASED sliding window, and the most calls permitted in half-open state: the
   * breaker keeps one slot per call.
   */
  public static final int MAX_COUNT_WINDOW = 10_000;

  /** The largest TIME_BASED sliding window, in seconds (one bucket per second): one hour. */
  public static final int MAX_TIME_WINDOW_SECONDS = 3_600;

  /**
   * The most HTTP rules of one VirtualService (or xDS virtual host): rules that cannot be indexed
   * by uri are tested one by one on every request.
   */
  public static final int MAX_HTTP_RULES = 10_000;

  private ConfigLimits() {}

  /** Why {@code count} rules are too many ({@link #MAX_HTTP_RULES}), or null. */
  public static @Nullable String httpRulesProblem(int count) {
    return count > MAX_HTTP_RULES ? count + " rules (expected: at most " + MAX_HTTP_RULES + ")" : null;
  }

  /**
   * A protobuf {@code Duration} ({@code seconds}, {@code nanos}) as a Java one, or null when it is
   * out of the mesh's range ({@link #MAX_DURATION} either way; protobuf allows about 10,000 years).
   */
  public static @Nullable Duration duration(long seconds, int nanos) {
    try {
      Duration d = Duration.ofSeconds(seconds, nanos);
      d.toNanos(); // throws beyond ±MAX_DURATION
      return d;
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** The message for a duration out of range, written as {@code seconds}, {@code nanos}. */
  public static String durationTooLong(long seconds, int nanos) {
    return "seconds: " + seconds + ", nanos: " + nanos + " (expected: at most " + MAX_DURATION.getSeconds()
        + " seconds, about 292 years, either way)";
  }

  /** Why {@code d} is refused as a Resilience4j interval (below {@link #MIN_RESILIENCE4J_INTERVAL}), or null. */
  public static @Nullable String resilience4jIntervalProblem(Duration d) {
    return d.compareTo(MIN_RESILIENCE4J_INTERVAL) < 0 ? format(d) + " (expected: >= 1ms)" : null;
  }

  private static String format(Duration d) {
    long nanos = d.toNanos();
    return nanos % 1_000 == 0 ? nanos / 1_000 + "us" : nanos + "ns";
  }
}
