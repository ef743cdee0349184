package io.meshlet.core.pipeline;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What outbound and inbound calls have in common for {@link CallListener}s: protocol, times,
 * outcome (HTTP status, gRPC status, response flags), sizes, and a place for listeners to keep
 * per-call state ({@link #attach}). Mutable, owned by one call; read it during the callback.
 */
public abstract sealed class CallEvent permits OutboundEvent, InboundEvent {
  /** {@code http} or {@code grpc}, as Istio's {@code request_protocol} label says it. */
  public static final String HTTP = "http";
  public static final String GRPC = "grpc";

  private final boolean grpc;
  private final long startNanos;
  long endNanos = -1;
  int status;
  int grpcStatus = -1;
  ResponseFlags flags = ResponseFlags.NONE;
  long requestBytes;
  long responseBytes;
  long requestMessages;
  long responseMessages;
  private @Nullable String traceId;
  private Object @Nullable [] attachments;

  CallEvent(boolean grpc, long startNanos) {
    this.grpc = grpc;
    this.startNanos = startNanos;
  }

  public boolean isGrpc() {
    return grpc;
  }

  /** {@link #HTTP} or {@link #GRPC}. */
  public String protocol() {
    return grpc ? GRPC : HTTP;
  }

  /** When the call started, on the mesh's monotonic clock ({@code MeshTime.nanoTime()}). */
  public long startNanos() {
    return startNanos;
  }

  /** When it ended; -1 until then. */
  public long endNanos() {
    return endNanos;
  }

  /** From start to end; 0 until the end. */
  public long durationNanos() {
    return endNanos < 0 ? 0 : endNanos - startNanos;
  }

  /**
   * The HTTP status of the response (200 for a gRPC call that got a status), the one Envoy would
   * have answered for a call the mesh failed (503 no endpoint, 504 timeout, 404 no route, ...); 0
   * when there was none (the caller went away).
   */
  public int status() {
    return status;
  }

  /** The gRPC status code's number; -1 for an HTTP call or when unknown. */
  public int grpcStatus() {
    return grpcStatus;
  }

  /** Envoy's response flags of the call ({@code UH}, {@code URX,UF}, ...), empty when none. */
  public ResponseFlags flags() {
    return flags;
  }

  /** Request body bytes as far as the adapter knows them (0 when unknown). */
  public long requestBytes() {
    return requestBytes;
  }

  /** Response body bytes as far as the adapter knows them (0 when unknown). */
  public long responseBytes() {
    return responseBytes;
  }

  /** gRPC messages the client sent; 0 for HTTP. */
  public long requestMessages() {
    return requestMessages;
  }

  /** gRPC messages the server sent; 0 for HTTP. */
  public long responseMessages() {
    return responseMessages;
  }

  /** The trace id a tracing listener gave this call (32 hex digits), for access logs; null when not traced. */
  public @Nullable String traceId() {
    return traceId;
  }

  public void traceId(@Nullable String traceId) {
    this.traceId = traceId;
  }

  /** Keeps {@code value} under {@code key} (a listener's own key object) for later events of this call. */
  public void attach(Object key, @Nullable Object value) {
    requireNonNull(key, "key");
    Object[] a = attachments;
    if (a == null) {
      attachments = new Object[] {key, value};
      return;
    }
    for (int i = 0; i < a.length; i += 2) {
      if (a[i] == key) {
        a[i + 1] = value;
        return;
      }
    }
    Object[] grown = java.util.Arrays.copyOf(a, a.length + 2);
    grown[a.length] = key;
    grown[a.length + 1] = value;
    attachments = grown;
  }

  /** What was kept under {@code key}, or null. */
  public @Nullable Object attachment(Object key) {
    Object[] a = attachments;
    if (a != null) {
      for (int i = 0; i < a.length; i += 2) {
        if (a[i] == key) {
          return a[i + 1];
        }
      }
    }
    return null;
  }

  /** The adapter's count of body bytes, once known (a negative value means unknown and is ignored). */
  void bytes(long request, long response) {
    if (request >= 0) {
      requestBytes = request;
    }
    if (response >= 0) {
      responseBytes = response;
    }
  }

  void messages(long request, long response) {
    requestMessages = request;
    responseMessages = response;
  }
}
