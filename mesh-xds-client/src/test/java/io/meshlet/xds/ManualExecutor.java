package io.meshlet.xds;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An executor the test runs by hand: tasks queue up (from any thread) until {@link #runQueued()};
 * delayed tasks are kept and never run. Lets a test see what arrived together on the client's
 * executor and handle it as one batch.
 */
final class ManualExecutor extends AbstractExecutorService implements ScheduledExecutorService {
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final List<Runnable> delayed = new ArrayList<>();
  private volatile boolean shutdown;

  @Override
  public void execute(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("shut down");
    }
    queue.add(task);
  }

  /** How many tasks wait. */
  int queued() {
    return queue.size();
  }

  /** Runs queued tasks, and those they queue, until none is left; returns how many ran. */
  int runQueued() {
    int n = 0;
    Runnable r;
    while ((r = queue.poll()) != null) {
      r.run();
      n++;
    }
    return n;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return later(new FutureTask<>(command, null), delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return later(new FutureTask<>(callable), delay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return schedule(command, initialDelay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return schedule(command, initialDelay, unit);
  }

  private synchronized <V> ScheduledFuture<V> later(FutureTask<V> task, long delay, TimeUnit unit) {
    delayed.add(task);
    long nanos = unit.toNanos(delay);
    return new ScheduledFuture<V>() {
      @Override
      public long getDelay(TimeUnit u) {
        return u.convert(nanos, TimeUnit.NANOSECONDS);
      }

      @Override
      public int compareTo(Delayed o) {
        return Long.compare(nanos, o.getDelay(TimeUnit.NANOSECONDS));
      }

      @Override
      public boolean cancel(boolean mayInterrupt) {
        return task.cancel(mayInterrupt);
      }

      @Override
      public boolean isCancelled() {
        return task.isCancelled();
      }

      @Override
      public boolean isDone() {
        return task.isDone();
      }

      @Override
      public V get() throws java.util.concurrent.ExecutionException, InterruptedException {
        return task.get();
      }

      @Override
      public V get(long timeout, TimeUnit u)
          throws java.util.concurrent.ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        return task.get(timeout, u);
      }
    };
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>(queue);
    queue.clear();
    return left;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }
}
