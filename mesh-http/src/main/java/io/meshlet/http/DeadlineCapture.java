package io.meshlet.http;

import io.meshlet.core.resilience.Deadline;
import java.util.Map;
import java.util.WeakHashMap;
import okhttp3.Call;
import okhttp3.EventListener;
import org.jspecify.annotations.Nullable;

/**
 * Remembers the caller's {@link Deadline} of each call made while one is attached, for {@link
 * MeshInterceptor}: OkHttp creates a call's event listener in {@code newCall}, on the caller's
 * thread, while an {@code enqueue()}d call reaches the interceptor on a dispatcher thread. Calls
 * made without a deadline cost one thread-local read, and while none is pending one volatile read in
 * the interceptor, which takes the entry out.
 */
final class DeadlineCapture implements EventListener.Factory {
  /** Weak keys: a call created and never run does not stay here. Guarded by itself. */
  private static final Map<Call, Deadline> PENDING = new WeakHashMap<>();
  /** {@link #PENDING}'s size after its last change (collected keys are dropped then): 0 keeps calls off the lock. */
  private static volatile int size;

  private final EventListener.Factory delegate;

  DeadlineCapture(EventListener.Factory delegate) {
    this.delegate = delegate;
  }

  @Override
  public EventListener create(Call call) {
    Deadline deadline = Deadline.current();
    if (deadline != null) {
      synchronized (PENDING) {
        PENDING.put(call, deadline);
        size = PENDING.size();
      }
    }
    return delegate.create(call);
  }

  /** The deadline captured when {@code call} was created, removed; null when none was. */
  static @Nullable Deadline take(Call call) {
    if (size == 0) {
      return null;
    }
    synchronized (PENDING) {
      Deadline d = PENDING.remove(call);
      size = PENDING.size();
      return d;
    }
  }
}
