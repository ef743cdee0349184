package io.meshlet.http;

import io.meshlet.core.pipeline.CallerContext;
import io.meshlet.core.pipeline.MeshPipeline;
import io.meshlet.core.resilience.Deadline;
import java.util.Map;
import java.util.WeakHashMap;
import okhttp3.Call;
import okhttp3.EventListener;
import org.jspecify.annotations.Nullable;

/**
 * Remembers what the caller's thread holds when a call is created, for {@link MeshInterceptor}: the
 * caller's {@link Deadline}, and what the mesh's call listeners capture there ({@link
 * MeshPipeline#captureContext()}: the current trace context). OkHttp creates a call's event
 * listener in {@code newCall}, on the caller's thread, while an {@code enqueue()}d call reaches the
 * interceptor on a dispatcher thread. Calls made with neither cost one thread-local read and the
 * listeners' capture, and while none is pending one volatile read in the interceptor, which takes
 * the entry out.
 */
final class CallerCapture implements EventListener.Factory {
  /** What one call's creator had. */
  record Captured(@Nullable Deadline deadline, @Nullable CallerContext context) {}

  /** Weak keys: a call created and never run does not stay here. Guarded by itself. */
  private static final Map<Call, Captured> PENDING = new WeakHashMap<>();
  /** {@link #PENDING}'s size after its last change (collected keys are dropped then): 0 keeps calls off the lock. */
  private static volatile int size;

  private final EventListener.Factory delegate;
  private final MeshPipeline pipeline;

  CallerCapture(EventListener.Factory delegate, MeshPipeline pipeline) {
    this.delegate = delegate;
    this.pipeline = pipeline;
  }

  @Override
  public EventListener create(Call call) {
    Deadline deadline = Deadline.current();
    CallerContext context = pipeline.captureContext();
    if (deadline != null || context != null) {
      synchronized (PENDING) {
        PENDING.put(call, new Captured(deadline, context));
        size = PENDING.size();
      }
    }
    return delegate.create(call);
  }

  /** What was captured when {@code call} was created, removed; null when nothing was. */
  static @Nullable Captured take(Call call) {
    if (size == 0) {
      return null;
    }
    synchronized (PENDING) {
      Captured c = PENDING.remove(call);
      size = PENDING.size();
      return c;
    }
  }
}
