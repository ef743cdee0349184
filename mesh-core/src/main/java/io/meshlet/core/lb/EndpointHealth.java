package io.meshlet.core.lb;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An endpoint's live outlier-detection state: consecutive failures by kind, and whether (until
 * when) it is ejected. Lives on the {@link Endpoint}, so it survives config pushes that keep the
 * endpoint. Updated from the request path without locks; an ejection races benignly with a
 * concurrent success (Envoy's detector is no stricter).
 */
public final class EndpointHealth {
  final AtomicInteger consecutive5xx = new AtomicInteger();
  final AtomicInteger consecutiveGateway = new AtomicInteger();
  final AtomicInteger consecutiveLocal = new AtomicInteger();
  private volatile long ejectedUntilNanos;
  private volatile boolean ejected;
  private volatile int ejections;
  private volatile long lastEjectionNanos;
  /** When the last ejection of any endpoint ends: before then, picks must look at health. */
  private static volatile long anyEjectionEndsNanos = Long.MIN_VALUE;

  /** False when no endpoint of any cluster can be ejected at {@code nowNanos}: picks may skip health checks. */
  public static boolean anyMayBeEjected(long nowNanos) {
    long end = anyEjectionEndsNanos;
    return end != Long.MIN_VALUE && nowNanos - end < 0;
  }

  /** True while ejected at {@code nowNanos}. */
  public boolean isEjected(long nowNanos) {
    return ejected && nowNanos - ejectedUntilNanos < 0;
  }

  public int ejections() {
    return ejections;
  }

  /** Counts a failure of one kind and returns the new run length; other kinds are unaffected. */
  public int fail5xx() {
    return consecutive5xx.incrementAndGet();
  }

  public int failGateway() {
    return consecutiveGateway.incrementAndGet();
  }

  public int failLocal() {
    return consecutiveLocal.incrementAndGet();
  }

  /** A 5xx that is not a gateway error ends a run of gateway errors, as in Envoy. */
  public void endGatewayRun() {
    if (consecutiveGateway.get() != 0) {
      consecutiveGateway.set(0);
    }
  }

  /** A success ends every run of failures. */
  public void succeed() {
    if (consecutive5xx.get() != 0) {
      consecutive5xx.set(0);
    }
    if (consecutiveGateway.get() != 0) {
      consecutiveGateway.set(0);
    }
    if (consecutiveLocal.get() != 0) {
      consecutiveLocal.set(0);
    }
  }

  /**
   * Ejects until {@code baseNanos × ejections} from now (the time grows with each ejection, as in
   * Envoy). The ejection count decays by one for each {@code intervalNanos} spent healthy since the
   * last ejection ended.
   */
  public synchronized void eject(long nowNanos, long baseNanos, long intervalNanos) {
    if (isEjected(nowNanos)) {
      return;
    }
    int count = ejections;
    if (count > 0 && intervalNanos > 0) {
      long healthySince = ejectedUntilNanos;
      long decay = Math.max(0, (nowNanos - healthySince) / intervalNanos);
      count = (int) Math.max(0, count - decay);
    }
    count++;
    ejections = count;
    lastEjectionNanos = nowNanos;
    ejectedUntilNanos = nowNanos + baseNanos * count;
    ejected = true;
    long end = anyEjectionEndsNanos;
    if (end == Long.MIN_VALUE || ejectedUntilNanos - end > 0) {
      anyEjectionEndsNanos = ejectedUntilNanos;
    }
    consecutive5xx.set(0);
    consecutiveGateway.set(0);
    consecutiveLocal.set(0);
  }

  /** When the current or last ejection ends. */
  public long ejectedUntilNanos() {
    return ejectedUntilNanos;
  }

  public long lastEjectionNanos() {
    return lastEjectionNanos;
  }
}
