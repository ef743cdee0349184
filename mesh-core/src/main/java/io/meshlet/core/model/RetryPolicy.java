package io.meshlet.core.model;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code HTTPRetry}. Without {@code retries} on a rule, Istio (and Meshlet) retry twice on
 * {@code connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes} with 503 as
 * the retriable status: {@link #DEFAULT}. {@code attempts: 0} turns retries off.
 *
 * @param attempts retries after the first try (Envoy's num_retries)
 * @param perTryTimeout the timeout of each try, or null for the rule's timeout
 * @param retryOn the conditions that make a try retriable
 * @param retriableStatusCodes the codes {@link Condition#RETRIABLE_STATUS_CODES} retries on
 * @param backoff the base interval of the exponential backoff between tries, or null for 25 ms
 * @param retryNonIdempotent whether POST and PATCH may be retried; false unless the route opts in
 *     (a deliberate difference from Istio, which retries them)
 */
public record RetryPolicy(
    int attempts,
    @Nullable Duration perTryTimeout,
    Set<Condition> retryOn,
    Set<Integer> retriableStatusCodes,
    boolean retryRemoteLocalities,
    @Nullable Duration backoff,
    boolean retryNonIdempotent) {

  /** Envoy's default base backoff interval. */
  public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(25);

  public static final Set<Condition> DEFAULT_RETRY_ON = java.util.Collections.unmodifiableSet(EnumSet.of(
      Condition.CONNECT_FAILURE, Condition.REFUSED_STREAM, Condition.UNAVAILABLE, Condition.CANCELLED,
      Condition.RETRIABLE_STATUS_CODES));

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(2, null, DEFAULT_RETRY_ON, Set.of(503), false, null, false);

  public static final RetryPolicy NONE = new RetryPolicy(0, null, Set.of(), Set.of(), false, null, false);

  public RetryPolicy {
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts: " + attempts + " (expected: >= 0)");
    }
    retryOn = retryOn.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(retryOn));
    retriableStatusCodes = Set.copyOf(retriableStatusCodes);
  }

  /** Envoy's and gRPC's retry conditions, by the names {@code retryOn} uses. */
  public enum Condition {
    /** Any 5xx response, or a reset, a connect failure or a refused stream. */
    FIVE_XX("5xx"),
    /** 502, 503 or 504. */
    GATEWAY_ERROR("gateway-error"),
    /** The upstream reset the connection or stream, or did not answer at all (a timeout of the try). */
    RESET("reset"),
    CONNECT_FAILURE("connect-failure"),
    /** An HTTP/2 stream refused with REFUSED_STREAM. */
    REFUSED_STREAM("refused-stream"),
    /** 409. */
    RETRIABLE_4XX("retriable-4xx"),
    /** The codes in {@link RetryPolicy#retriableStatusCodes()}. */
    RETRIABLE_STATUS_CODES("retriable-status-codes"),
    /** A 429 the upstream set {@code x-envoy-ratelimited} on. */
    ENVOY_RATELIMITED("envoy-ratelimited"),
    /** gRPC status codes, for the gRPC adapter. */
    CANCELLED("cancelled"),
    DEADLINE_EXCEEDED("deadline-exceeded"),
    INTERNAL("internal"),
    RESOURCE_EXHAUSTED("resource-exhausted"),
    UNAVAILABLE("unavailable");

    private final String value;

    Condition(String value) {
      this.value = value;
    }

    /** The name as written in {@code retryOn}. */
    public String value() {
      return value;
    }

    public static @Nullable Condition of(String value) {
      for (Condition c : values()) {
        if (c.value.equals(value)) {
          return c;
        }
      }
      return null;
    }
  }
}
