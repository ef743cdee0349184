package io.meshlet.core.resilience;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link MeshTime} that moves only when told to, or when something sleeps on it (the sleep
 * returns at once and the clock advances by its duration) or schedules on it (the clock advances
 * and the task runs at once). For tests of timeouts, backoff, fault
 * delays and ejection times that must not sleep: {@code Mesh.builder().time(new ManualTime())}.
 */
public final class ManualTime implements MeshTime {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final AtomicLong slept = new AtomicLong();

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public void sleep(Duration duration) {
    if (!duration.isNegative()) {
      nanos.addAndGet(duration.toNanos());
      slept.addAndGet(duration.toNanos());
    }
  }

  /** Advances the clock by {@code delay} (counted as slept) and runs {@code task} now, on this thread. */
  @Override
  public Future<?> schedule(Runnable task, Duration delay) {
    sleep(delay);
    task.run();
    return CompletableFuture.completedFuture(null);
  }

  public void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  /** The total time slept on this clock. */
  public Duration slept() {
    return Duration.ofNanos(slept.get());
  }
}
