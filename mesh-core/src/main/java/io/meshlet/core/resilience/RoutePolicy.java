package io.meshlet.core.resilience;

import io.github.resilience4j.core.IntervalFunction;
import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.model.GrpcCode;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.RetryPolicy;
import io.meshlet.core.model.RetryPolicy.Condition;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A rule's timeout, retry policy and faults, compiled once per snapshot. Immutable; the per-request
 * state lives in the adapter's call.
 */
public final class RoutePolicy {
  /** What a rule with no resilience fields gets: Istio's default retries, no timeout, no fault. */
  public static final RoutePolicy DEFAULT = new RoutePolicy(null, RetryPolicy.DEFAULT, null);

  private static final double BACKOFF_MULTIPLIER = 2.0;
  private static final double BACKOFF_RANDOMIZATION = 0.5;

  private final @Nullable Duration timeout;
  private final RetryPolicy retries;
  private final @Nullable FaultInjection fault;
  private final IntervalFunction backoff;

  public RoutePolicy(@Nullable Duration timeout, RetryPolicy retries, @Nullable FaultInjection fault) {
    this.timeout = timeout;
    this.retries = retries;
    this.fault = fault;
    Duration base = retries.backoff() != null ? retries.backoff() : RetryPolicy.DEFAULT_BACKOFF;
    // Envoy: exponential from the base interval, jittered, at most ten times the base.
    this.backoff = IntervalFunction.ofExponentialRandomBackoff(base, BACKOFF_MULTIPLIER, BACKOFF_RANDOMIZATION,
        base.multipliedBy(10));
  }

  public static RoutePolicy of(HttpRoute route) {
    Duration timeout = route.effectiveTimeout();
    if (timeout == null && route.retries() == null && route.fault() == null) {
      return DEFAULT;
    }
    return new RoutePolicy(timeout, route.effectiveRetries(), route.fault());
  }

  public @Nullable Duration timeout() {
    return timeout;
  }

  public RetryPolicy retries() {
    return retries;
  }

  public @Nullable FaultInjection fault() {
    return fault;
  }

  /** The wait before retry number {@code retry} (1 for the first retry). */
  public Duration backoff(int retry) {
    return Duration.ofMillis(backoff.apply(retry));
  }

  /** True when {@code result} is one of the {@code retryOn} conditions. */
  public boolean retriable(AttemptResult result) {
    for (Condition c : retries.retryOn()) {
      if (matches(c, result)) {
        return true;
      }
    }
    return false;
  }

  private boolean matches(Condition c, AttemptResult r) {
    AttemptResult.Failure f = r.failure();
    switch (c) {
      case FIVE_XX:
        return r.is5xx() || r.isFailure();
      case GATEWAY_ERROR:
        return r.isGatewayError() || f == AttemptResult.Failure.TIMEOUT;
      case RESET:
        return f == AttemptResult.Failure.RESET || f == AttemptResult.Failure.TIMEOUT;
      case CONNECT_FAILURE:
        return f == AttemptResult.Failure.CONNECT_FAILURE;
      case REFUSED_STREAM:
        return f == AttemptResult.Failure.REFUSED_STREAM;
      case RETRIABLE_4XX:
        return r.status() == 409;
      case RETRIABLE_STATUS_CODES:
        return retries.retriableStatusCodes().contains(r.status());
      case CANCELLED:
        return r.grpcStatus() == GrpcCode.CANCELLED.value();
      case DEADLINE_EXCEEDED:
        return r.grpcStatus() == GrpcCode.DEADLINE_EXCEEDED.value();
      case INTERNAL:
        return r.grpcStatus() == GrpcCode.INTERNAL.value();
      case RESOURCE_EXHAUSTED:
        return r.grpcStatus() == GrpcCode.RESOURCE_EXHAUSTED.value();
      case UNAVAILABLE:
        return r.grpcStatus() == GrpcCode.UNAVAILABLE.value();
      default:
        // envoy-ratelimited needs Envoy's rate limit service header, which nothing sets here.
        return false;
    }
  }

  /** {@link #mayRetry(String, boolean)} for an HTTP request. */
  public boolean mayRetry(String method) {
    return mayRetry(method, false);
  }

  /**
   * True when a request may be retried: idempotent HTTP methods, others only if the route opts in;
   * gRPC calls always (they are POSTs on the wire, and retried as Istio and gRPC's gRFC A6/A44
   * retry them; the adapter retries a call only before its response is committed).
   */
  public boolean mayRetry(String method, boolean grpc) {
    if (grpc || retries.retryNonIdempotent()) {
      return true;
    }
    switch (method) {
      case "POST":
      case "PATCH":
      case "CONNECT":
        return false;
      default:
        return true;
    }
  }

  /** Draws whether to delay this request; the delay, or null. */
  public @Nullable Duration drawDelay(RandomGenerator random) {
    FaultInjection.Delay d = fault == null ? null : fault.delay();
    return d != null && draw(d.percentage(), random) ? d.fixedDelay() : null;
  }

  /** Draws whether to abort this request; the abort, or null. */
  public FaultInjection.@Nullable Abort drawAbort(RandomGenerator random) {
    FaultInjection.Abort a = fault == null ? null : fault.abort();
    return a != null && draw(a.percentage(), random) ? a : null;
  }

  private static boolean draw(double percentage, RandomGenerator random) {
    if (percentage <= 0) {
      return false;
    }
    // Millionths, as Envoy's FractionalPercent.
    return percentage >= 100 || random.nextInt(1_000_000) < (int) Math.round(percentage * 10_000);
  }

  /** The same policy as {@code other}: compiled state may then be kept. */
  public boolean sameConfig(RoutePolicy other) {
    return java.util.Objects.equals(timeout, other.timeout) && retries.equals(other.retries)
        && java.util.Objects.equals(fault, other.fault);
  }

  @Override
  public String toString() {
    return "timeout " + (timeout == null ? "none" : Durations.format(timeout)) + ", retries " + retries.attempts()
        + (retries.perTryTimeout() != null ? " (" + Durations.format(retries.perTryTimeout()) + " each)" : "")
        + (retries.attempts() > 0 ? " on " + conditions() : "") + (fault != null ? ", fault " + fault : "");
  }

  private String conditions() {
    StringBuilder sb = new StringBuilder();
    for (Condition c : retries.retryOn()) {
      sb.append(sb.length() == 0 ? "" : ",").append(c.value());
    }
    if (!retries.retriableStatusCodes().isEmpty()) {
      sb.append(' ').append(new java.util.TreeSet<>(retries.retriableStatusCodes()));
    }
    return sb.toString();
  }
}
