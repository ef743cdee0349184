package io.meshlet.core.resilience;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The mesh's monotonic clock and its ways to wait, injected so that tests of timeouts, backoff,
 * fault delays and ejection times run without sleeping. {@link #system()} in production.
 *
 * <p>A synchronous adapter (OkHttp's interceptor runs on the calling or dispatcher thread) waits
 * with {@link #sleep}; an asynchronous one (gRPC, whose callbacks must never block) with {@link
 * #schedule}.
 */
public interface MeshTime {
  long nanoTime();

  /** Waits {@code duration}; a fake clock just advances. */
  void sleep(Duration duration) throws InterruptedException;

  /**
   * Runs {@code task} once {@code delay} has passed, without blocking the caller, on a timer thread
   * the mesh shares (the task must be short: hand real work to an executor). The returned future
   * cancels it. A fake clock advances and runs the task at once on the calling thread.
   */
  default Future<?> schedule(Runnable task, Duration delay) {
    return Timer.INSTANCE.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
  }

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

  /** The one daemon timer thread of {@link #schedule}, started on first use. */
  final class Timer {
    static final ScheduledExecutorService INSTANCE = create();

    private Timer() {}

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "meshlet-timer");
        t.setDaemon(true);
        return t;
      });
      timer.setRemoveOnCancelPolicy(true);
      return timer;
    }
  }
}
