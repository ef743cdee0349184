package io.meshlet.core.resilience;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.meshlet.core.model.RateLimitPolicy;
import java.time.Duration;

/**
 * One Meshlet {@code RateLimit} resource's bucket: Resilience4j's RateLimiter, which never waits
 * (a call over the limit is refused at once: 429, {@code RL}). Kept across config pushes while
 * its settings do not change.
 */
public final class LocalRateLimit {
  /** Envoy's header on a locally rate-limited response. */
  public static final String RATELIMITED_HEADER = "x-envoy-ratelimited";

  private final RateLimiter limiter;
  private final int limitForPeriod;
  private final Duration refreshPeriod;
  private final String source;

  public LocalRateLimit(RateLimitPolicy policy) {
    this.limitForPeriod = policy.limitForPeriod();
    this.refreshPeriod = policy.limitRefreshPeriod();
    this.source = policy.id().toString();
    this.limiter = RateLimiter.of(source, RateLimiterConfig.custom()
        .limitForPeriod(limitForPeriod)
        .limitRefreshPeriod(refreshPeriod)
        .timeoutDuration(Duration.ZERO)
        .writableStackTraceEnabled(false)
        .build());
  }

  /** Takes a permission; false when the limit is reached. */
  public boolean tryAcquire() {
    return limiter.acquirePermission();
  }

  public int availablePermissions() {
    return limiter.getMetrics().getAvailablePermissions();
  }

  /** The resource that configured this limit: {@code RateLimit default/reviews}. */
  public String source() {
    return source;
  }

  public boolean sameSettings(RateLimitPolicy policy) {
    return limitForPeriod == policy.limitForPeriod() && refreshPeriod.equals(policy.limitRefreshPeriod());
  }

  @Override
  public String toString() {
    return "rate limit " + limitForPeriod + " per " + refreshPeriod + " (" + availablePermissions() + " left; " + source + ")";
  }
}
