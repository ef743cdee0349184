package io.meshlet.core.lb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An endpoint's live outlier-detection state: consecutive failures by kind, and whether (until
 * when) it is ejected. Lives on the {@link Endpoint}, so it survives config pushes that keep the
 * endpoint. Updated from the request path without locks; an ejection races benignly with a
 * concurrent success (Envoy's detector is no stricter).
 *
 * <p>Made on an endpoint's first failure that outlier detection counts ({@link Endpoint#trackedHealth()});
 * until then the endpoint answers {@link #NONE}, which is never written: most endpoints of a large
 * mesh never fail, and 10,000 of these with their counters were ~1 MB (docs/performance.md). The
 * counters are plain {@code int} fields updated through {@link VarHandle}s, not {@code AtomicInteger}s
 * (an object each).
 */
public final class EndpointHealth {
  /** The state of an endpoint that has never failed: not ejected, no ejections, all runs at 0. Read-only. */
  public static final EndpointHealth NONE = new EndpointHealth();

  private static final VarHandle FIVE_XX;
  private static final VarHandle GATEWAY;
  private static final VarHandle LOCAL;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      FIVE_XX = l.findVarHandle(EndpointHealth.class, "consecutive5xx", int.class);
      GATEWAY = l.findVarHandle(EndpointHealth.class, "consecutiveGateway", int.class);
      LOCAL = l.findVarHandle(EndpointHealth.class, "consecutiveLocal", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int consecutive5xx;
  private volatile int consecutiveGateway;
  private volatile int consecutiveLocal;
  private volatile long ejectedUntilNanos;
  private volatile boolean ejected;
  private volatile int ejections;
  private volatile long lastEjectionNanos;
  /** When the last ejection of any endpoint ends: before then, picks must look at health. */
  private static volatile long anyEjectionEndsNanos = Long.MIN_VALUE;

  EndpointHealth() {}

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
    writable();
    return (int) FIVE_XX.getAndAdd(this, 1) + 1;
  }

  public int failGateway() {
    writable();
    return (int) GATEWAY.getAndAdd(this, 1) + 1;
  }

  public int failLocal() {
    writable();
    return (int) LOCAL.getAndAdd(this, 1) + 1;
  }

  /** A 5xx that is not a gateway error ends a run of gateway errors, as in Envoy (nothing to do on {@link #NONE}). */
  public void endGatewayRun() {
    if (consecutiveGateway != 0) {
      consecutiveGateway = 0;
    }
  }

  /** A success ends every run of failures (nothing to do on {@link #NONE}). */
  public void succeed() {
    if (consecutive5xx != 0) {
      consecutive5xx = 0;
    }
    if (consecutiveGateway != 0) {
      consecutiveGateway = 0;
    }
    if (consecutiveLocal != 0) {
      consecutiveLocal = 0;
    }
  }

  /** The current run lengths (5xx, gateway, local origin), for explain and tests. */
  public int consecutive5xx() {
    return consecutive5xx;
  }

  private void writable() {
    if (this == NONE) {
      throw new IllegalStateException("EndpointHealth.NONE is read-only (expected: Endpoint.trackedHealth())");
    }
  }

  /**
   * Ejects until {@code baseNanos × ejections} from now (the time grows with each ejection, as in
   * Envoy). The ejection count decays by one for each {@code intervalNanos} spent healthy since the
   * last ejection ended.
   */
  public synchronized void eject(long nowNanos, long baseNanos, long intervalNanos) {
    writable();
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
    consecutive5xx = 0;
    consecutiveGateway = 0;
    consecutiveLocal = 0;
  }

  /** When the current or last ejection ends. */
  public long ejectedUntilNanos() {
    return ejectedUntilNanos;
  }

  public long lastEjectionNanos() {
    return lastEjectionNanos;
  }
}
