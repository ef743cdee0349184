package io.meshlet.consul;

import java.math.BigInteger;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Consul blocking query, re-issued as soon as it returns (no polling interval): the next request
 * carries the {@code X-Consul-Index} of the last answer and the {@code wait} bound, so the agent
 * holds it until something changes. Consul's rules for the index are applied here, once: an index
 * that goes backwards (the agent restarted, a snapshot was restored) or is below 1 resets it; an
 * answer with the same index is not a change. A failure is reported and the query retried after a
 * jittered {@link Backoff}, from index 0, and the first answer after a failure is always delivered
 * (so the owner can tell it recovered). Everything runs on {@code executor}.
 *
 * @param <T> what one answer holds
 */
final class BlockingQuery<T> {
  private static final Logger log = LoggerFactory.getLogger(BlockingQuery.class);

  /** Issues one request; calls back exactly once, on any thread. */
  interface Call<T> {
    void start(BigInteger index, Answer<T> answer);
  }

  interface Answer<T> {
    void value(T value, @Nullable BigInteger index);

    void failure(Throwable error);
  }

  /** Hears this query's changes and failures, on the executor. */
  interface Listener<T> {
    void onValue(String what, T value, BigInteger index);

    void onFailure(String what, String reason);
  }

  private final String what;
  private final Call<T> call;
  private final ScheduledExecutorService executor;
  private final Backoff backoff;
  private final Listener<T> listener;
  private BigInteger index = BigInteger.ZERO;
  private boolean delivered;
  private int failures;
  private volatile boolean closed;

  BlockingQuery(String what, Call<T> call, ScheduledExecutorService executor, Backoff backoff, Listener<T> listener) {
    this.what = what;
    this.call = call;
    this.executor = executor;
    this.backoff = backoff;
    this.listener = listener;
  }

  String what() {
    return what;
  }

  void start() {
    executor.execute(this::issue);
  }

  void close() {
    closed = true;
  }

  private void issue() {
    if (closed) {
      return;
    }
    BigInteger sent = index;
    try {
      call.start(sent, new Answer<>() {
        @Override
        public void value(T value, @Nullable BigInteger newIndex) {
          run(() -> onValue(value, newIndex));
        }

        @Override
        public void failure(Throwable error) {
          run(() -> onFailure(error));
        }
      });
    } catch (RuntimeException e) {
      onFailure(e);
    }
  }

  private void run(Runnable r) {
    if (!closed) {
      try {
        executor.execute(r);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed meanwhile
      }
    }
  }

  private void onValue(T value, @Nullable BigInteger newIndex) {
    BigInteger next = newIndex == null ? BigInteger.ZERO : newIndex;
    if (next.compareTo(BigInteger.ONE) < 0) {
      next = BigInteger.ONE;
    }
    boolean changed = !delivered || failures > 0 || !next.equals(index);
    if (next.compareTo(index) < 0) {
      log.debug("{}: X-Consul-Index went back from {} to {}; resetting", what, index, next);
      next = BigInteger.ZERO; // the next request does not block and brings the current state
    }
    index = next;
    failures = 0;
    if (changed) {
      delivered = true;
      listener.onValue(what, value, index);
    }
    issue();
  }

  private void onFailure(Throwable error) {
    failures++;
    index = BigInteger.ZERO;
    long delay = backoff.delayMillis(failures);
    String reason = error.getMessage() != null ? error.getMessage() : error.toString();
    log.debug("{} failed ({} in a row), retrying in {} ms: {}", what, failures, delay, reason);
    listener.onFailure(what, reason);
    if (!closed) {
      executor.schedule(this::issue, delay, TimeUnit.MILLISECONDS);
    }
  }
}
