package io.meshlet.core.resilience;

import java.time.Duration;

/**
 * The mesh's monotonic clock and its way to wait, injected so that tests of timeouts, backoff,
 * fault delays and ejection times run without sleeping. {@link #system()} in production.
 */
public interface MeshTime {
  long nanoTime();

  /** Waits {@code duration}; a fake clock just advances. */
  void sleep(Duration duration) throws InterruptedException;

  static MeshTime system() {
    return SystemTime.INSTANCE;
  }

  /** The JVM's clock. */
  enum SystemTime implements MeshTime {
    INSTANCE;

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
      if (!duration.isNegative() && !duration.isZero()) {
        Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
      }
    }
  }
}
