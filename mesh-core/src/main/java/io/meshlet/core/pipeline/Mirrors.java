package io.meshlet.core.pipeline;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mesh's bound on mirrored requests: at most {@link #maxInFlight()} copies in flight at once
 * (from the pick until the adapter calls {@link Mirror#done()}); a mirror drawn while the bound is
 * reached is dropped and counted, so a slow or dead mirror destination can pile up neither requests
 * nor memory. Lock-free; shared by every call of one mesh.
 */
public final class Mirrors {
  /** {@code Mesh.Builder.maxMirrorsInFlight}'s default. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;

  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong unroutable = new AtomicLong();
  // Counts that only grow, for meters: sent() and dropped() move a copy from one to the other when an adapter skips it.
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong overflowed = new AtomicLong();
  private final AtomicLong skippedTotal = new AtomicLong();

  public Mirrors(int maxInFlight) {
    if (maxInFlight < 0) {
      throw new IllegalArgumentException("maxMirrorsInFlight: " + maxInFlight + " (expected: >= 0)");
    }
    this.maxInFlight = maxInFlight;
  }

  boolean tryAcquire() {
    while (true) {
      int n = inFlight.get();
      if (n >= maxInFlight) {
        dropped.incrementAndGet();
        overflowed.incrementAndGet();
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        sent.incrementAndGet();
        started.incrementAndGet();
        return true;
      }
    }
  }

  void release() {
    inFlight.decrementAndGet();
  }

  void countUnroutable() {
    unroutable.incrementAndGet();
  }

  /** Adapter's report: a mirror it could not send at all (a body that cannot be read twice, ...). */
  void skipped() {
    sent.decrementAndGet();
    dropped.incrementAndGet();
    skippedTotal.incrementAndGet();
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  /** Copies sent and not yet finished. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Copies handed to adapters to send, since the mesh started. */
  public long sent() {
    return sent.get();
  }

  /** Copies drawn but not sent: the bound was reached, or the adapter could not copy the request. */
  public long dropped() {
    return dropped.get();
  }

  /** Copies given a place in the bound and handed to an adapter (skipped ones included); only grows. */
  public long started() {
    return started.get();
  }

  /** Copies drawn while the bound was full; only grows. */
  public long overflowed() {
    return overflowed.get();
  }

  /** Copies an adapter could not send (a body that cannot be read twice); only grows. */
  public long skippedTotal() {
    return skippedTotal.get();
  }

  /** Copies drawn whose destination had no cluster or no endpoint. */
  public long unroutable() {
    return unroutable.get();
  }

  @Override
  public String toString() {
    return "Mirrors[inFlight=" + inFlight() + "/" + maxInFlight + ", sent=" + sent() + ", dropped=" + dropped()
        + ", unroutable=" + unroutable() + "]";
  }
}
