package io.meshlet.http;

import io.meshlet.core.resilience.Deadline;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.EventListener;
import org.jspecify.annotations.Nullable;

/**
 * Remembers the caller's {@link Deadline} of each call made while one is attached, for {@link
 * MeshInterceptor}: OkHttp creates a call's event listener in {@code newCall}, on the caller's
 * thread, while an {@code enqueue()}d call reaches the interceptor on a dispatcher thread. Calls
 * made without a deadline cost one thread-local read; the interceptor takes the entry out.
 */
final class DeadlineCapture implements EventListener.Factory {
  /** Weak keys: a call created and never run does not stay here. */
  private static final Map<Call, Deadline> PENDING = Collections.synchronizedMap(new WeakHashMap<>());
  private static final AtomicInteger COUNT = new AtomicInteger();

  private final EventListener.Factory delegate;

  DeadlineCapture(EventListener.Factory delegate) {
    this.delegate = delegate;
  }

  @Override
  public EventListener create(Call call) {
    Deadline deadline = Deadline.current();
    if (deadline != null) {
      COUNT.incrementAndGet();
      PENDING.put(call, deadline);
    }
    return delegate.create(call);
  }

  /** The deadline captured when {@code call} was created, removed; null when none was. */
  static @Nullable Deadline take(Call call) {
    if (COUNT.get() == 0) {
      return null;
    }
    Deadline d = PENDING.remove(call);
    if (d != null) {
      COUNT.decrementAndGet();
    }
    return d;
  }
}
