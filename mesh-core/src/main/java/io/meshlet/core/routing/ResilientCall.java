package io.meshlet.core.routing;

import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.ClusterPolicy;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.resilience.RoutePolicy;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One request's way through timeouts, retries, budgets, pool limits and outlier detection. An
 * adapter makes one per forwarded request and drives it:
 *
 * <pre>{@code
 * ResilientCall call = ResilientCall.start(route, cluster, method, time, random);
 * // faults: call.drawDelay(), call.drawAbort(); pool: if (!call.admit()) -> UO
 * try {
 *   while (true) {
 *     Endpoint e = call.nextEndpoint(request);      // null -> UH
 *     Duration t = call.tryTimeout();                // null: none; <= 0: deadline passed (UT)
 *     AttemptResult r = ...send to e within t...;
 *     long retryIn = call.onResult(r);               // < 0: done; else wait, then retry
 *   }
 * } finally {
 *   call.end();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one request, one thread at a time (an async adapter hands it along).
 */
public final class ResilientCall {
  /** Why a retriable result was not retried. */
  public enum Refusal {
    NONE,
    ATTEMPTS,
    NON_IDEMPOTENT,
    DEADLINE,
    BUDGET
  }

  private final RoutePolicy route;
  private final Cluster cluster;
  private final ClusterPolicy limits;
  private final String method;
  private final MeshTime time;
  private final RandomGenerator random;
  private final @Nullable Deadline deadline;
  private int tries;
  private @Nullable Endpoint current;
  private @Nullable Endpoint previous;
  private boolean admitted;
  private boolean breakerPending;
  private long startNanos;
  private boolean retryInFlight;
  private boolean lastRetriable;
  private Refusal refusal = Refusal.NONE;

  private ResilientCall(CompiledRoute route, Cluster cluster, String method, MeshTime time, RandomGenerator random) {
    this.route = route.policy();
    this.cluster = cluster;
    this.limits = cluster.clusterPolicy();
    this.method = method;
    this.time = time;
    this.random = random;
    Duration timeout = this.route.timeout();
    this.deadline = Deadline.earliest(Deadline.current(), timeout == null ? null : Deadline.after(timeout, time));
  }

  /** Starts a call; the deadline is the earliest of the thread's {@link Deadline} and the route's timeout. */
  public static ResilientCall start(CompiledRoute route, Cluster cluster, String method, MeshTime time, RandomGenerator random) {
    return new ResilientCall(route, cluster, method, time, random);
  }

  /** The delay fault injection adds to this request, or null. */
  public @Nullable Duration drawDelay() {
    return route.drawDelay(random);
  }

  /** The abort fault injection answers this request with, or null. */
  public FaultInjection.@Nullable Abort drawAbort() {
    return route.drawAbort(random);
  }

  /** Whether a call may go out: {@link #admit()}'s answer. */
  public enum Admission {
    ADMITTED,
    /** The connection pool is full: answer 503 with {@code UO}. */
    POOL_FULL,
    /** The circuit breaker is open: answer 503 with {@code UO}. */
    BREAKER_OPEN
  }

  /** Takes a place in the cluster's pool and a permission of its circuit breaker. */
  public Admission admit() {
    if (!limits.tryAcquireBreaker()) {
      return Admission.BREAKER_OPEN;
    }
    if (!limits.tryAdmit()) {
      limits.releaseBreaker();
      return Admission.POOL_FULL;
    }
    admitted = true;
    breakerPending = true;
    startNanos = time.nanoTime();
    return Admission.ADMITTED;
  }

  /** The endpoint for the next try (not the previous try's if there is another), or null ({@code UH}). */
  public @Nullable Endpoint nextEndpoint(RequestView request) {
    Endpoint e = cluster.pick(request, random, previous);
    if (e != null) {
      e.onRequestStart();
      current = e;
      tries++;
    }
    return e;
  }

  /** Counts a try that goes to the address the caller asked for (a passthrough cluster has no endpoints to pick). */
  public void startPassthroughTry() {
    current = null;
    tries++;
  }

  /**
   * The time this try may take: the route's {@code perTryTimeout} and what is left of the deadline,
   * whichever is shorter; null when neither is set; zero or negative when the deadline has passed.
   */
  public @Nullable Duration tryTimeout() {
    Duration perTry = route.retries().perTryTimeout();
    if (deadline == null) {
      return perTry;
    }
    Duration left = Duration.ofNanos(deadline.remainingNanos(time));
    return perTry == null || left.compareTo(perTry) < 0 ? left : perTry;
  }

  /** The connect timeout of a try: the cluster's {@code tcp.connectTimeout}, within the try's time. */
  public Duration connectTimeout(@Nullable Duration tryTimeout) {
    Duration connect = limits.connectTimeout();
    return tryTimeout != null && tryTimeout.compareTo(connect) < 0 ? tryTimeout : connect;
  }

  /**
   * Records the current try's result (outlier detection, counters) and decides: a negative value
   * means the call is done with this result; otherwise retry after that many nanoseconds.
   */
  public long onResult(AttemptResult result) {
    Endpoint e = current;
    long now = time.nanoTime();
    if (e != null) {
      e.onRequestEnd();
      limits.report(e, result, now, cluster.endpoints());
      current = null;
      previous = e;
    }
    if (retryInFlight) {
      limits.endRetry();
      retryInFlight = false;
    }
    lastRetriable = route.retriable(result);
    if (!lastRetriable) {
      refusal = Refusal.NONE;
      recordBreaker(result);
      return -1;
    }
    Refusal why = retryRefusal(result);
    if (why != Refusal.NONE) {
      recordBreaker(result);
      return refuse(why);
    }
    retryInFlight = true;
    refusal = Refusal.NONE;
    return pendingDelay;
  }

  private long pendingDelay;

  private Refusal retryRefusal(AttemptResult result) {
    if (tries > route.retries().attempts()) {
      return Refusal.ATTEMPTS;
    }
    if (!route.mayRetry(method)) {
      return Refusal.NON_IDEMPOTENT;
    }
    pendingDelay = route.backoff(Math.max(1, tries)).toNanos();
    if (deadline != null && deadline.remainingNanos(time) - pendingDelay <= 0) {
      return Refusal.DEADLINE;
    }
    if (!limits.tryStartRetry()) {
      return Refusal.BUDGET;
    }
    return Refusal.NONE;
  }

  private long refuse(Refusal why) {
    refusal = why;
    return -1;
  }

  private void recordBreaker(AttemptResult result) {
    if (breakerPending) {
      breakerPending = false;
      limits.recordCall(time.nanoTime() - startNanos, !(result.is5xx() || result.isFailure()));
    }
  }

  /** Releases the pool place and any retry in flight. Call once, in a finally block. */
  public void end() {
    Endpoint e = current;
    if (e != null) {
      e.onRequestEnd();
      current = null;
    }
    if (retryInFlight) {
      limits.endRetry();
      retryInFlight = false;
    }
    if (breakerPending) {
      // The call ended without a final result (cancelled, or a failure the adapter did not report).
      breakerPending = false;
      limits.recordCall(time.nanoTime() - startNanos, false);
    }
    if (admitted) {
      limits.release();
      admitted = false;
    }
  }

  /** Tries made so far. */
  public int tries() {
    return tries;
  }

  /** True if the last result was retriable but not retried: Envoy's {@code URX} when attempts ran out. */
  public boolean retriesExhausted() {
    return lastRetriable && refusal != Refusal.NONE && route.retries().attempts() > 0;
  }

  /** Why the last retriable result was not retried. */
  public Refusal refusal() {
    return refusal;
  }

  public @Nullable Deadline deadline() {
    return deadline;
  }

  public boolean deadlinePassed() {
    return deadline != null && deadline.expired(time);
  }

  public Cluster cluster() {
    return cluster;
  }

  public RoutePolicy routePolicy() {
    return route;
  }
}
