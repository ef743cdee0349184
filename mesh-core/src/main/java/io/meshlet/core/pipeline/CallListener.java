package io.meshlet.core.pipeline;

import org.jspecify.annotations.Nullable;

/**
 * Hears every request the pipeline handles, outbound and inbound, on every transport: the SPI that
 * metrics, tracing and access logs are written against, and that a user can implement too ({@code
 * Mesh.builder().callListener(...)}). In the style of OkHttp's {@code EventListener}: every method
 * has a no-op default, events are built only when at least one listener is registered, and a
 * listener <em>must execute fast, without external locking, and cannot throw</em> (the pipeline
 * catches what it throws anyway, logs it once and goes on: a listener never fails a request).
 *
 * <p>Order of events for a forwarded outbound call: {@link #onCallStart} → ({@link #onTryStart} →
 * {@link #onTryEnd}) per try → {@link #onCallEnd}. A call the mesh answers or fails itself (no
 * route, rate limit, fault abort, overflow, no endpoint) still gets start and end, with its status
 * and response flags. Inbound: {@link #onInboundStart} after the mesh's decision, {@link
 * #onInboundEnd} when the response is complete. Events of one call come one at a time (never
 * concurrently), possibly from different threads.
 */
public interface CallListener {
  /** A listener that hears nothing. */
  CallListener NONE = new CallListener() {};

  /**
   * Captures what this listener needs from the thread that <em>makes</em> an outbound call (for
   * example the current trace context), on that thread: adapters call it where the caller's thread
   * is still known (OkHttp's {@code newCall}, gRPC's {@code newCall}), which may be another thread
   * than the one the call runs on ({@code enqueue()}). Null for nothing; read back with {@link
   * OutboundEvent#callerContext(CallListener)}.
   */
  default @Nullable Object captureContext() {
    return null;
  }

  default void onCallStart(OutboundEvent call) {}

  /** A try is about to be sent: its number and endpoint are set; headers added with {@link OutboundEvent#addTryHeader} go with it. */
  default void onTryStart(OutboundEvent call) {}

  /**
   * A copy of the call is about to be sent to a mirror ({@link OutboundCall#mirrors()}), before
   * any try: headers added with {@link Mirror#addHeader} go with that copy only (the peer metadata
   * that names the caller to the mirror's workload, as the tries carry it).
   */
  default void onMirror(OutboundEvent call, Mirror mirror) {}

  /** A try ended: {@link OutboundEvent#tryResult()} says how. */
  default void onTryEnd(OutboundEvent call) {}

  /** The call ended: status, response flags, bytes and duration are final. */
  default void onCallEnd(OutboundEvent call) {}

  /**
   * An inbound call was decided (allowed or refused). A listener that wants something current on
   * the serving thread while the application runs (a server span) returns it here as a {@link
   * Scoped}; null otherwise.
   */
  default @Nullable Scoped onInboundStart(InboundEvent call) {
    return null;
  }

  /** The inbound call's response is complete. */
  default void onInboundEnd(InboundEvent call) {}

  /** Something a listener makes current on the serving thread while the application runs (a trace context). */
  interface Scoped {
    /** Makes it current on this thread; the returned scope undoes that. */
    Scope attach();
  }

  /** Undoes an {@link Scoped#attach()}; never throws. */
  interface Scope extends AutoCloseable {
    Scope NONE = () -> {};

    @Override
    void close();
  }
}
