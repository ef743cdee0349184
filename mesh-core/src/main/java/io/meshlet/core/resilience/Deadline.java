package io.meshlet.core.resilience;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The time by which a piece of work must be done, carried by the thread doing it. A server adapter
 * attaches the inbound request's deadline ({@link #HEADER}); an application may attach its own
 * ({@code try (var s = Deadline.after(Duration.ofSeconds(2), time).attach()) {...}}). Every outbound
 * call made inside the scope, and all of its retries, must finish by the earliest deadline in force;
 * a retry never starts once it has passed.
 */
public final class Deadline {
  /**
   * The header that carries the time left, in milliseconds, from caller to callee: Envoy's {@code
   * x-envoy-expected-rq-timeout-ms}, which Envoy also sets on upstream requests. gRPC's {@code
   * grpc-timeout} maps to the same deadline in the gRPC adapter.
   */
  public static final String HEADER = "x-envoy-expected-rq-timeout-ms";

  private static final ThreadLocal<@Nullable Deadline> CURRENT = new ThreadLocal<>();

  private final long deadlineNanos;

  private Deadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  public static Deadline after(Duration timeout, MeshTime time) {
    return new Deadline(time.nanoTime() + timeout.toNanos());
  }

  /** The deadline attached to this thread, or null. */
  public static @Nullable Deadline current() {
    return CURRENT.get();
  }

  /** Parses the {@link #HEADER} value; null if absent or not a non-negative number. */
  public static @Nullable Deadline fromHeader(@Nullable String millis, MeshTime time) {
    if (millis == null) {
      return null;
    }
    try {
      long ms = Long.parseLong(millis.trim());
      return ms < 0 ? null : after(Duration.ofMillis(ms), time);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The earlier of two deadlines, either of which may be null. */
  public static @Nullable Deadline earliest(@Nullable Deadline a, @Nullable Deadline b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.deadlineNanos - b.deadlineNanos <= 0 ? a : b;
  }

  public long remainingNanos(MeshTime time) {
    return deadlineNanos - time.nanoTime();
  }

  public boolean expired(MeshTime time) {
    return remainingNanos(time) <= 0;
  }

  /** Attaches this deadline to the current thread until the scope closes (restoring the previous one). */
  public Scope attach() {
    Deadline previous = CURRENT.get();
    CURRENT.set(this);
    return () -> CURRENT.set(previous);
  }

  /** An attached deadline; closing it restores what was attached before. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
