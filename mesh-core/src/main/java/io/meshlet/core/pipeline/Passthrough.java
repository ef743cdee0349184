package io.meshlet.core.pipeline;

import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.MeshTime;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The host is not the mesh's: the call goes where the caller sent it, untouched (outbound traffic
 * policy {@code ALLOW_ANY}, Envoy's {@code PassthroughCluster}). It is one try, never retried; the
 * adapter reports it so that listeners count and trace it as a sidecar does:
 *
 * <pre>{@code
 * if (!p.observed()) { send as is; return; }       // no listener: nothing to report
 * try {
 *   p.startTry();
 *   p.forEachTryHeader(...);                        // the trace context, on the request sent
 *   ... send ...
 *   p.complete(result);                             // the response's status, or the failure
 *   p.reportBytes(...); p.reportMessages(...);
 * } finally {
 *   p.end();
 * }
 * }</pre>
 *
 * <p>With no listener the pipeline answers {@link #INSTANCE}, whose methods do nothing. Not
 * thread-safe: one call, one thread at a time.
 */
public final class Passthrough implements Routed {
  /** The passthrough no listener hears (all of them when the mesh has no listener). */
  public static final Passthrough INSTANCE = new Passthrough(null, null);

  private final @Nullable OutboundEvent event;
  private final @Nullable MeshTime time;
  private int flags;

  Passthrough(@Nullable OutboundEvent event, @Nullable MeshTime time) {
    this.event = event;
    this.time = time;
    if (event != null) {
      event.passthrough = true;
      event.start();
    }
  }

  @Override
  public Kind kind() {
    return Kind.PASSTHROUGH;
  }

  /** True when listeners hear this call: only then is anything else here worth calling. */
  public boolean observed() {
    return event != null;
  }

  /** The call's one try is about to be sent (to the address the caller named). */
  public void startTry() {
    if (event != null && event.tries == 0) {
      event.startTry(1, null, time.nanoTime());
    }
  }

  /** Gives the headers listeners want on the request (a trace context) to {@code sink}; after {@link #startTry()}. */
  public void forEachTryHeader(BiConsumer<String, String> sink) {
    if (event != null) {
      event.forEachTryHeader(sink);
    }
  }

  /**
   * How the call ended: a response's status, or a failure without one (as {@link
   * OutboundCall#onResult}); starts the try first if the adapter failed before it did. Once.
   */
  public void complete(AttemptResult result) {
    startTry();
    if (event != null && event.tryResult == null) {
      event.endTry(result);
      event.result(result, flags);
    }
  }

  /** The caller cancelled the call (or went away): adds {@code DC} to its flags. Before {@link #complete}. */
  public void cancelled() {
    flags |= ResponseFlags.bit(ResponseFlag.DC);
  }

  /** The request and response body sizes, as far as the adapter knows them (negative: unknown). Before {@link #end()}. */
  public void reportBytes(long requestBytes, long responseBytes) {
    if (event != null) {
      event.bytes(requestBytes, responseBytes);
    }
  }

  /** gRPC messages sent and received. Before {@link #end()}. */
  public void reportMessages(long sent, long received) {
    if (event != null) {
      event.messages(sent, received);
    }
  }

  /** Ends the call for the listeners; call once, in a finally block (later calls do nothing). */
  public void end() {
    if (event != null) {
      event.end(time.nanoTime(), ResponseFlags.ofBits(flags));
    }
  }

  @Override
  public String toString() {
    return event == null ? "Passthrough" : "Passthrough[" + event + "]";
  }
}
