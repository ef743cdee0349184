package io.meshlet.core.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.lb.EndpointHealth;
import io.meshlet.core.model.CircuitBreakerPolicy;
import io.meshlet.core.model.ConnectionPoolSettings;
import io.meshlet.core.model.OutlierDetection;
import io.meshlet.core.model.RetryBudget;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One cluster's live limits: its connection-pool limit (a Resilience4j semaphore bulkhead that never
 * waits: overflow is {@code UO} at once), its retry budget and retry limit, and its outlier
 * detection. Built when a cluster is compiled and kept while its settings do not change, so counters
 * and ejections survive config pushes.
 */
public final class ClusterPolicy {
  private final String name;
  private final @Nullable ConnectionPoolSettings pool;
  private final @Nullable OutlierDetection outlier;
  private final RetryBudget budget;
  private final @Nullable Bulkhead bulkhead;
  private final @Nullable Breaker breaker;
  private final int maxRetries;
  private final Duration connectTimeout;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger activeRetries = new AtomicInteger();

  public ClusterPolicy(String name, @Nullable ConnectionPoolSettings pool, @Nullable OutlierDetection outlier, @Nullable RetryBudget budget) {
    this(name, pool, outlier, budget, null, MeshTime.system());
  }

  public ClusterPolicy(
      String name, @Nullable ConnectionPoolSettings pool, @Nullable OutlierDetection outlier, @Nullable RetryBudget budget,
      @Nullable CircuitBreakerPolicy breaker, MeshTime time) {
    this.name = name;
    this.breaker = breaker == null ? null : new Breaker(name, breaker, time);
    this.pool = pool;
    this.outlier = outlier;
    this.budget = budget != null ? budget : RetryBudget.DEFAULT;
    int limit = pool == null ? 0 : admissionLimit(pool);
    this.bulkhead = limit > 0
        ? Bulkhead.of(name, BulkheadConfig.custom().maxConcurrentCalls(limit).maxWaitDuration(Duration.ZERO)
            .writableStackTraceEnabled(false).build())
        : null;
    this.maxRetries = pool == null ? 0 : pool.maxRetries();
    this.connectTimeout = pool != null && pool.connectTimeout() != null
        ? pool.connectTimeout() : ConnectionPoolSettings.DEFAULT_CONNECT_TIMEOUT;
  }

  /**
   * The most requests in flight the cluster admits: {@code http2MaxRequests}, and {@code
   * maxConnections + http1MaxPendingRequests} (an HTTP/1.1 connection carries one request at a
   * time; Meshlet does not queue, so pending requests run at once instead of waiting). 0: no limit.
   */
  static int admissionLimit(ConnectionPoolSettings pool) {
    int limit = Integer.MAX_VALUE;
    if (pool.http2MaxRequests() > 0) {
      limit = pool.http2MaxRequests();
    }
    if (pool.maxConnections() > 0) {
      long h1 = (long) pool.maxConnections() + Math.max(0, pool.http1MaxPendingRequests());
      limit = (int) Math.min(limit, h1);
    }
    return limit == Integer.MAX_VALUE ? 0 : limit;
  }

  /** The cluster's circuit breaker, or null. */
  public @Nullable Breaker breaker() {
    return breaker;
  }

  /** Takes a permission of the circuit breaker; false when it is open ({@code UO}). Pair with {@link #recordCall}. */
  public boolean tryAcquireBreaker() {
    return breaker == null || breaker.tryAcquire();
  }

  /** Records a call that had a breaker permission: its final outcome and duration. */
  public void recordCall(long durationNanos, boolean success) {
    if (breaker != null) {
      breaker.record(durationNanos, success);
    }
  }

  /** Gives back a breaker permission of a call that never went out. */
  public void releaseBreaker() {
    if (breaker != null) {
      breaker.release();
    }
  }

  /** Admits a request, or refuses it when the pool is full ({@code UO}). Pair with {@link #release()}. */
  public boolean tryAdmit() {
    if (bulkhead != null && !bulkhead.tryAcquirePermission()) {
      return false;
    }
    active.incrementAndGet();
    return true;
  }

  public void release() {
    active.decrementAndGet();
    if (bulkhead != null) {
      bulkhead.onComplete();
    }
  }

  /**
   * Starts a retry if the budget allows: retries in flight stay below {@code percent} % of requests
   * in flight (at least {@code minRetryConcurrency}) and below {@code maxRetries} when set. Pair with
   * {@link #endRetry()}.
   */
  public boolean tryStartRetry() {
    int allowed = Math.max(budget.minRetryConcurrency(), (int) (budget.percent() / 100.0 * active.get()));
    if (maxRetries > 0) {
      allowed = Math.min(allowed, maxRetries);
    }
    while (true) {
      int current = activeRetries.get();
      if (current >= allowed) {
        return false;
      }
      if (activeRetries.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  public void endRetry() {
    activeRetries.decrementAndGet();
  }

  /** Feeds one try's result to outlier detection; may eject {@code endpoint}. */
  public void report(Endpoint endpoint, AttemptResult result, long nowNanos, List<Endpoint> endpoints) {
    OutlierDetection od = outlier;
    if (od == null) {
      return;
    }
    // A success on an endpoint that never failed changes nothing: its state is not made for it.
    EndpointHealth health = endpoint.health();
    boolean eject = false;
    if (result.isFailure() && od.splitExternalLocalOriginErrors()) {
      health = endpoint.trackedHealth();
      eject = reached(health.failLocal(), od.consecutiveLocalOriginFailures());
    } else if (result.countsAs5xx() || result.isFailure()) {
      // Without the split, a failure with no response counts as a 503, as in Envoy.
      health = endpoint.trackedHealth();
      eject = reached(health.fail5xx(), od.consecutive5xxErrors());
      if (result.countsAsGatewayError() || result.isFailure()) {
        eject |= reached(health.failGateway(), od.consecutiveGatewayErrors());
      } else {
        health.endGatewayRun();
      }
    } else {
      health.succeed();
    }
    if (eject && mayEject(nowNanos, endpoints, od)) {
      health.eject(nowNanos, od.baseEjectionTime().toNanos(), od.interval().toNanos());
    }
  }

  private static boolean reached(int count, int threshold) {
    return threshold > 0 && count >= threshold;
  }

  /** Envoy ejects at least one endpoint, and more only while within {@code maxEjectionPercent}. */
  private static boolean mayEject(long nowNanos, List<Endpoint> endpoints, OutlierDetection od) {
    int ejected = 0;
    for (Endpoint e : endpoints) {
      if (e.health().isEjected(nowNanos)) {
        ejected++;
      }
    }
    return ejected == 0 || (long) (ejected + 1) * 100 <= (long) od.maxEjectionPercent() * endpoints.size();
  }

  /**
   * True if picks for this cluster must skip ejected endpoints at {@code nowNanos}: it has outlier
   * detection, and some endpoint may be ejected. An endpoint's health is shared by every cluster of
   * it (the host's and its subsets'); a cluster without outlier detection ignores ejections, as an
   * Envoy cluster without it would.
   */
  public boolean honoursEjections(long nowNanos) {
    return outlier != null && EndpointHealth.anyMayBeEjected(nowNanos);
  }

  /**
   * True when fewer than {@code minHealthPercent} of the endpoints are healthy: the cluster is then
   * in panic and ejected endpoints take traffic again.
   */
  public boolean panic(long nowNanos, List<Endpoint> endpoints) {
    OutlierDetection od = outlier;
    if (od == null || od.minHealthPercent() <= 0 || endpoints.isEmpty()) {
      return false;
    }
    int healthy = 0;
    for (Endpoint e : endpoints) {
      if (!e.health().isEjected(nowNanos)) {
        healthy++;
      }
    }
    return (long) healthy * 100 < (long) od.minHealthPercent() * endpoints.size();
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public @Nullable ConnectionPoolSettings connectionPool() {
    return pool;
  }

  public @Nullable OutlierDetection outlierDetection() {
    return outlier;
  }

  public RetryBudget retryBudget() {
    return budget;
  }

  public int activeRequests() {
    return active.get();
  }

  public int activeRetries() {
    return activeRetries.get();
  }

  /** The same settings as {@code pool}, {@code outlier} and {@code budget}: this instance may be kept. */
  public boolean sameConfig(
      @Nullable ConnectionPoolSettings pool, @Nullable OutlierDetection outlier, @Nullable RetryBudget budget,
      @Nullable CircuitBreakerPolicy breaker) {
    boolean sameBreaker = breaker == null ? this.breaker == null : this.breaker != null && this.breaker.sameSettings(breaker);
    return Objects.equals(this.pool, pool) && Objects.equals(this.outlier, outlier)
        && this.budget.equals(budget != null ? budget : RetryBudget.DEFAULT) && sameBreaker;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("retry budget ").append(budget.percent()).append("% (min ").append(budget.minRetryConcurrency()).append(')');
    if (bulkhead != null) {
      sb.append(", at most ").append(bulkhead.getBulkheadConfig().getMaxConcurrentCalls()).append(" requests in flight");
    }
    if (maxRetries > 0) {
      sb.append(", at most ").append(maxRetries).append(" retries in flight");
    }
    if (breaker != null) {
      sb.append(", ").append(breaker);
    }
    if (outlier != null) {
      sb.append(", outlier detection (").append(outlier.consecutive5xxErrors()).append(" consecutive 5xx, eject ")
          .append(outlier.baseEjectionTime()).append(", max ").append(outlier.maxEjectionPercent()).append("%)");
    }
    return sb.toString();
  }

  String name() {
    return name;
  }
}
