package io.meshlet.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.GrpcCode;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.CompiledRoute;
import io.meshlet.core.routing.RequestView;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One outbound call as {@link CallListener}s see it: the request, where the mesh sent it (route,
 * cluster, subset, endpoint of the current try), its tries and its outcome. Built only when a
 * listener is registered.
 */
public final class OutboundEvent extends CallEvent {
  private final Listeners listeners;
  private final RequestView request;
  private final Object @Nullable [] captured;
  @Nullable CompiledRoute route;
  @Nullable Cluster cluster;
  int tries;
  @Nullable Endpoint endpoint;
  long tryStartNanos;
  @Nullable AttemptResult tryResult;
  private String @Nullable [] tryHeaders;
  private int tryHeaderCount;
  Overflow overflow = Overflow.NONE;
  boolean passthrough;

  /** A limit of the cluster that refused the call or its retry (Envoy's {@code *_overflow} counters). */
  public enum Overflow {
    NONE,
    /** The cluster's circuit breaker was open; answered {@code UO} 503. */
    CIRCUIT_BREAKER,
    /** {@code connectionPool} limits were full ({@code upstream_rq_pending_overflow}); answered {@code UO} 503. */
    CONNECTION_POOL,
    /** A retry was due but the retry budget refused it ({@code upstream_rq_retry_overflow}). */
    RETRY_BUDGET
  }

  OutboundEvent(Listeners listeners, RequestView request, boolean grpc, Object @Nullable [] captured, long startNanos) {
    super(grpc, startNanos);
    this.listeners = listeners;
    this.request = request;
    this.captured = captured;
  }

  /** Which of the cluster's limits refused the call or a retry of it, {@link Overflow#NONE} if none did. */
  public Overflow overflow() {
    return overflow;
  }

  /** The request as the caller made it (valid during the call). */
  public RequestView request() {
    return request;
  }

  /** The route that matched; null when none did (or the host is unknown). */
  public @Nullable CompiledRoute route() {
    return route;
  }

  /** The matched rule's {@code name} in its VirtualService, or null. */
  public @Nullable String routeName() {
    CompiledRoute r = route;
    return r == null ? null : r.model().name();
  }

  /** The cluster the call was sent to; null when routing ended before one was chosen. */
  public @Nullable Cluster cluster() {
    return cluster;
  }

  /**
   * True for a call to a host the mesh does not know, sent unchanged under {@code ALLOW_ANY}: what
   * Envoy sends to its {@code PassthroughCluster} ({@link #cluster()} is null).
   */
  public boolean passthrough() {
    return passthrough;
  }

  /** The destination service host ({@code reviews.default.svc.cluster.local}): the cluster's, else the host asked for. */
  public String serviceHost() {
    Cluster c = cluster;
    return c != null ? c.host() : request.host();
  }

  /** The subset of the cluster, or null. */
  public @Nullable String subset() {
    Cluster c = cluster;
    return c == null ? null : c.subset();
  }

  /** Tries made so far (1 on the first try). */
  public int tries() {
    return tries;
  }

  /** The endpoint of the current (or, after it, the last) try; null for a passthrough cluster or before any. */
  public @Nullable Endpoint endpoint() {
    return endpoint;
  }

  public long tryStartNanos() {
    return tryStartNanos;
  }

  /** How the last try ended; null before. */
  public @Nullable AttemptResult tryResult() {
    return tryResult;
  }

  /** What {@code listener}'s {@link CallListener#captureContext()} returned on the caller's thread, or null. */
  public @Nullable Object callerContext(CallListener listener) {
    Object[] c = captured;
    if (c == null) {
      return null;
    }
    int i = listeners.indexOf(listener);
    return i < 0 ? null : c[i];
  }

  /** A header to send with the current try (a trace context): call from {@link CallListener#onTryStart}. */
  public void addTryHeader(String name, String value) {
    requireNonNull(name, "name");
    requireNonNull(value, "value");
    String[] h = tryHeaders;
    if (h == null) {
      h = tryHeaders = new String[4];
    } else if (tryHeaderCount * 2 == h.length) {
      h = tryHeaders = Arrays.copyOf(h, h.length * 2);
    }
    h[tryHeaderCount * 2] = name;
    h[tryHeaderCount * 2 + 1] = value;
    tryHeaderCount++;
  }

  /** Gives the headers listeners added for the current try to {@code sink} (for the adapter). */
  void forEachTryHeader(BiConsumer<String, String> sink) {
    String[] h = tryHeaders;
    for (int i = 0; i < tryHeaderCount; i++) {
      sink.accept(h[i * 2], h[i * 2 + 1]);
    }
  }

  void mirror(Mirror m) {
    listeners.mirror(this, m);
  }

  void startTry(int number, @Nullable Endpoint e, long nanos) {
    tries = number;
    endpoint = e;
    tryStartNanos = nanos;
    tryResult = null;
    tryHeaderCount = 0;
    listeners.fire(Listeners.Event.TRY_START, this);
  }

  void endTry(AttemptResult result) {
    tryResult = result;
    listeners.fire(Listeners.Event.TRY_END, this);
  }

  void start() {
    listeners.fire(Listeners.Event.CALL_START, this);
  }

  /** Records the outcome of a result: the HTTP status (200 for gRPC) and gRPC status. */
  void outcome(AttemptResult result) {
    status = result.status();
    grpcStatus = result.grpcStatus();
  }

  /**
   * Records the final result of a call: a response's status; a failure without one as the status
   * Envoy would answer (503, 504 for a timeout; gRPC {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED})
   * with its flag added to {@code flagBits}.
   */
  void result(AttemptResult result, int flagBits) {
    if (!result.isFailure()) {
      outcome(result);
      return;
    }
    ResponseFlag flag = OutboundCall.flagOf(result.failure());
    boolean timeout = flag == ResponseFlag.UT;
    outcome(isGrpc() ? 200 : (timeout ? 504 : 503),
        isGrpc() ? (timeout ? GrpcCode.DEADLINE_EXCEEDED : GrpcCode.UNAVAILABLE).value() : -1,
        ResponseFlags.ofBits(flagBits | ResponseFlags.bit(flag)));
  }

  /** Records a failure or local answer of the mesh. */
  void outcome(int httpStatus, int grpc, ResponseFlags f) {
    status = httpStatus;
    grpcStatus = grpc;
    flags = f;
  }

  void end(long nanos, ResponseFlags f) {
    if (endNanos >= 0) {
      return;
    }
    endNanos = nanos;
    if (!f.isEmpty()) {
      flags = flags.isEmpty() ? f : ResponseFlags.ofBits(flags.bits() | f.bits());
    }
    listeners.fire(Listeners.Event.CALL_END, this);
  }

  @Override
  public String toString() {
    return "OutboundEvent[" + request.method() + " " + request.authority() + request.path()
        + (cluster != null ? " -> " + cluster.name() : passthrough ? " -> PassthroughCluster" : "") + ", try " + tries + ", status " + status + " " + flags + "]";
  }
}
