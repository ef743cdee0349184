package io.meshlet.core.pipeline;

import io.meshlet.core.pipeline.CallListener.Scope;
import io.meshlet.core.pipeline.CallListener.Scoped;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's listeners, each call guarded: a listener that throws is logged (at WARN the first
 * time, then at DEBUG) and the request goes on as if it had not been there.
 */
final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(CallListener.class);
  static final Listeners NONE = new Listeners(List.of());

  final CallListener[] all;
  private final AtomicBoolean[] warned;
  private final boolean captures;

  Listeners(List<CallListener> listeners) {
    this.all = listeners.toArray(new CallListener[0]);
    this.warned = new AtomicBoolean[all.length];
    for (int i = 0; i < all.length; i++) {
      warned[i] = new AtomicBoolean();
    }
    boolean c = false;
    for (CallListener l : all) {
      c |= overridesCapture(l);
    }
    this.captures = c;
  }

  private static boolean overridesCapture(CallListener l) {
    try {
      return l.getClass().getMethod("captureContext").getDeclaringClass() != CallListener.class;
    } catch (NoSuchMethodException e) {
      return true;
    }
  }

  boolean isEmpty() {
    return all.length == 0;
  }

  /** What each listener captures on the caller's thread; null when none captures anything. */
  Object @Nullable [] capture() {
    if (!captures) {
      return null;
    }
    Object[] out = null;
    for (int i = 0; i < all.length; i++) {
      Object o;
      try {
        o = all[i].captureContext();
      } catch (RuntimeException | LinkageError e) {
        failed(i, "captureContext", e);
        continue;
      }
      if (o != null) {
        if (out == null) {
          out = new Object[all.length];
        }
        out[i] = o;
      }
    }
    return out;
  }

  int indexOf(CallListener listener) {
    for (int i = 0; i < all.length; i++) {
      if (all[i] == listener) {
        return i;
      }
    }
    return -1;
  }

  enum Event {
    CALL_START,
    TRY_START,
    TRY_END,
    CALL_END
  }

  void fire(Event event, OutboundEvent call) {
    for (int i = 0; i < all.length; i++) {
      try {
        switch (event) {
          case CALL_START:
            all[i].onCallStart(call);
            break;
          case TRY_START:
            all[i].onTryStart(call);
            break;
          case TRY_END:
            all[i].onTryEnd(call);
            break;
          case CALL_END:
          default:
            all[i].onCallEnd(call);
            break;
        }
      } catch (RuntimeException | LinkageError e) {
        failed(i, event.name(), e);
      }
    }
  }

  void mirror(OutboundEvent call, Mirror mirror) {
    for (int i = 0; i < all.length; i++) {
      try {
        all[i].onMirror(call, mirror);
      } catch (RuntimeException | LinkageError e) {
        failed(i, "onMirror", e);
      }
    }
  }

  /** Fires inbound start; returns what the listeners want current while the application serves the call (null: nothing). */
  @Nullable Scoped inboundStart(InboundEvent call) {
    Scoped one = null;
    Scoped[] many = null;
    for (int i = 0; i < all.length; i++) {
      Scoped s;
      try {
        s = all[i].onInboundStart(call);
      } catch (RuntimeException | LinkageError e) {
        failed(i, "onInboundStart", e);
        continue;
      }
      if (s == null) {
        continue;
      }
      if (one == null) {
        one = s;
      } else {
        if (many == null) {
          many = new Scoped[all.length];
          many[0] = one;
        }
        for (int j = 0; j < many.length; j++) {
          if (many[j] == null) {
            many[j] = s;
            break;
          }
        }
      }
    }
    return many == null ? one : new AllScoped(many, this);
  }

  void inboundEnd(InboundEvent call) {
    for (int i = 0; i < all.length; i++) {
      try {
        all[i].onInboundEnd(call);
      } catch (RuntimeException | LinkageError e) {
        failed(i, "onInboundEnd", e);
      }
    }
  }

  Scope attach(Scoped scoped) {
    try {
      Scope s = scoped.attach();
      return s == null ? Scope.NONE : guarded(s);
    } catch (RuntimeException | LinkageError e) {
      log.warn("a call listener failed to attach its context; ignored", e);
      return Scope.NONE;
    }
  }

  private static Scope guarded(Scope s) {
    return () -> {
      try {
        s.close();
      } catch (RuntimeException | LinkageError e) {
        log.warn("a call listener failed to close its context scope; ignored", e);
      }
    };
  }

  private void failed(int i, String what, Throwable e) {
    if (warned[i].compareAndSet(false, true)) {
      log.warn("call listener {} threw from {} (ignored; listeners must not throw; later failures at DEBUG)", all[i], what, e);
    } else if (log.isDebugEnabled()) {
      log.debug("call listener {} threw from {}", all[i], what, e);
    }
  }

  /** Several listeners' scoped values, attached in order and closed in reverse. */
  private record AllScoped(Scoped[] parts, Listeners owner) implements Scoped {
    @Override
    public Scope attach() {
      Scope[] scopes = new Scope[parts.length];
      for (int i = 0; i < parts.length && parts[i] != null; i++) {
        scopes[i] = owner.attach(parts[i]);
      }
      return () -> {
        for (int i = scopes.length - 1; i >= 0; i--) {
          if (scopes[i] != null) {
            scopes[i].close();
          }
        }
      };
    }
  }
}
