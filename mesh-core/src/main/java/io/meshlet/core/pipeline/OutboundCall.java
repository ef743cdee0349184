package io.meshlet.core.pipeline;

import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.ClusterPolicy;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.resilience.RoutePolicy;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.CompiledDestination;
import io.meshlet.core.routing.CompiledRoute;
import io.meshlet.core.routing.RequestView;
import io.meshlet.core.model.MirrorPolicy;
import io.meshlet.core.routing.CompiledMirror;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One forwarded request on its way through the mesh: where it goes (route, destination, cluster,
 * rewritten path and authority, header operations) and its faults, admission, tries, retries and
 * response flags, in the order Envoy's router applies them. An adapter drives it:
 *
 * <pre>{@code
 * Duration delay = call.faultDelay();          // null: none; else wait it (sleep, or schedule)
 * LocalReply refused = call.admit();           // fault abort or pool/breaker overflow; null: admitted
 * try {
 *   while (true) {
 *     CallFailure f = call.startTry();         // UT (deadline passed) or UH (no endpoint); null: go
 *     ... send to call.endpoint() (null: the address the caller named) within call.tryTimeout() ...
 *     long retryIn = call.onResult(result);    // < 0: done, report result (call.failure(...) if failed)
 *     ... wait retryIn nanoseconds ...
 *   }
 * } finally {
 *   call.end();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one request, one thread at a time (an asynchronous adapter hands it along).
 */
public final class OutboundCall implements Routed {
  /** Why a retriable result was not retried. */
  public enum Refusal {
    NONE,
    ATTEMPTS,
    NON_IDEMPOTENT,
    DEADLINE,
    BUDGET
  }

  private final CompiledRoute route;
  private final CompiledDestination destination;
  private final Cluster cluster;
  private final RequestView request;
  private final RoutePolicy policy;
  private final ClusterPolicy limits;
  private final MeshTime time;
  private final RandomGenerator random;
  private final @Nullable Deadline deadline;
  private final boolean grpc;
  private final String path;
  private int flags;
  private int tries;
  private @Nullable Endpoint current;
  private @Nullable Endpoint previous;
  private @Nullable Duration tryTimeout;
  private boolean admitted;
  private boolean breakerPending;
  private long startNanos;
  private boolean retryInFlight;
  private boolean lastRetriable;
  private long pendingDelay;
  private Refusal refusal = Refusal.NONE;
  private final @Nullable OutboundEvent event;

  private final Mirrors mirrorBound;

  OutboundCall(CompiledRoute route, CompiledDestination destination, Cluster cluster, RequestView request,
      @Nullable Deadline callerDeadline, MeshTime time, RandomGenerator random, Mirrors mirrors,
      @Nullable OutboundEvent event) {
    this.mirrorBound = mirrors;
    this.route = route;
    this.destination = destination;
    this.cluster = cluster;
    this.request = request;
    this.policy = route.policy();
    this.limits = cluster.clusterPolicy();
    this.time = time;
    this.random = random;
    Duration timeout = policy.timeout();
    this.deadline = Deadline.earliest(callerDeadline, timeout == null ? null : Deadline.after(timeout, time));
    this.grpc = isGrpc(request);
    this.path = route.rewritePath(request);
    this.event = event;
    if (event != null) {
      event.start();
    }
  }

  /** A gRPC call, as Envoy tells one: {@code content-type: application/grpc...}. */
  static boolean isGrpc(RequestView request) {
    if (!request.method().equals("POST")) {
      return false;
    }
    String type = request.header("content-type");
    return type != null && type.startsWith("application/grpc");
  }

  @Override
  public Kind kind() {
    return Kind.FORWARD;
  }

  // ---- where it goes --------------------------------------------------------------------------

  public CompiledRoute route() {
    return route;
  }

  public CompiledDestination destination() {
    return destination;
  }

  public Cluster cluster() {
    return cluster;
  }

  /** The path to send: the caller's, or as {@code rewrite.uri} / {@code uriRegexRewrite} made it. */
  public String path() {
    return path;
  }

  /** The authority to send ({@code rewrite.authority}), or null to keep the caller's. */
  public @Nullable String authority() {
    return route.rewriteAuthority();
  }

  /** Header operations on the request: the route's first, then the destination's. */
  public HeaderOperations routeHeaders() {
    return route.headers();
  }

  /** The destination's header operations (applied after the route's on the request, before them on the response). */
  public HeaderOperations destinationHeaders() {
    return destination.headers();
  }

  /** The TLS of this call's cluster ({@code DestinationRule tls}); null or {@code DISABLE}: plaintext. */
  public @Nullable ClientTlsSettings tls() {
    return cluster.tls();
  }

  /**
   * The copies of this request to send now, fire and forget: each of the route's mirrors that the
   * mesh's random source draws (its percentage, in millionths, as Envoy's runtime fraction), whose
   * destination has a cluster for the request's port and an endpoint, and that fits the mesh's
   * bound ({@link Mirrors}; otherwise dropped and counted). Empty (no allocation) for a route
   * without mirrors. Call once, after {@link #admit()} let the call through; the adapter must end
   * every returned {@link Mirror} with {@code done()} or {@code skip()}, and send each with the
   * headers listeners added to it ({@link Mirror#forEachHeader}: the peer metadata the tries carry).
   */
  public List<Mirror> mirrors() {
    List<CompiledMirror> all = route.mirrors();
    if (all.isEmpty()) {
      return List.of();
    }
    List<Mirror> out = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      CompiledMirror m = all.get(i);
      if (m.millionths() < MirrorPolicy.ALL && !m.takes(random.nextInt(MirrorPolicy.ALL))) {
        continue;
      }
      Cluster target = m.destination().cluster(request.port());
      Endpoint endpoint = target == null ? null : target.pick(request, random);
      if (endpoint == null) {
        mirrorBound.countUnroutable();
        continue;
      }
      if (!mirrorBound.tryAcquire()) {
        continue;
      }
      String authority = route.rewriteAuthority();
      Duration timeout = policy.timeout();
      Mirror copy = new Mirror(target, endpoint, Mirror.shadowAuthority(authority != null ? authority : request.authority()),
          path, route.headers(), timeout != null ? timeout : Mirror.DEFAULT_TIMEOUT, mirrorBound);
      if (event != null) {
        event.mirror(copy);
      }
      out.add(copy);
    }
    return out;
  }

  // ---- faults and admission -------------------------------------------------------------------

  /** Draws the fault delay of this call: null for none; otherwise the adapter waits it before {@link #admit()} ({@code DI}). */
  public @Nullable Duration faultDelay() {
    Duration delay = policy.drawDelay(random);
    if (delay != null) {
      flags |= ResponseFlags.bit(ResponseFlag.DI);
    }
    return delay;
  }

  /**
   * Draws the fault abort, then takes a place in the cluster's pool and a permission of its circuit
   * breaker. Null when the call may go out; otherwise the answer to give instead ({@code FI} with
   * the abort's status, or {@code UO} 503).
   */
  public @Nullable LocalReply admit() {
    FaultInjection.Abort abort = policy.drawAbort(random);
    if (abort != null) {
      return refused(LocalReply.abort(abort, flags()));
    }
    if (!limits.tryAcquireBreaker()) {
      overflowed(OutboundEvent.Overflow.CIRCUIT_BREAKER);
      return refused(LocalReply.overflow("the circuit breaker of " + cluster.name() + " is " + limits.breaker().state(), flags()));
    }
    if (!limits.tryAdmit()) {
      limits.releaseBreaker();
      overflowed(OutboundEvent.Overflow.CONNECTION_POOL);
      return refused(LocalReply.overflow(cluster.name() + " is at its connectionPool limit", flags()));
    }
    admitted = true;
    breakerPending = true;
    startNanos = time.nanoTime();
    return null;
  }

  private void overflowed(OutboundEvent.Overflow which) {
    if (event != null) {
      event.overflow = which;
    }
  }

  private LocalReply refused(LocalReply reply) {
    if (event != null) {
      event.outcome(grpc ? 200 : reply.status(), grpc ? reply.effectiveGrpcCode().value() : -1, reply.flags());
    }
    return reply;
  }

  // ---- tries ----------------------------------------------------------------------------------

  /**
   * Starts the next try: computes its timeout and picks its endpoint (not the previous try's when
   * the cluster has another). Null when the try may go ({@link #endpoint()}, {@link #tryTimeout()});
   * otherwise why not: the deadline passed ({@code UT}) or no endpoint is left ({@code UH}).
   */
  public @Nullable CallFailure startTry() {
    Duration timeout = computeTryTimeout();
    tryTimeout = timeout;
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      return fail(ResponseFlag.UT, "deadline passed before try " + (tries + 1) + " to " + cluster.name());
    }
    if (cluster.isPassthrough()) {
      current = null;
      tries++;
      if (event != null) {
        event.startTry(tries, null, time.nanoTime());
      }
      return null;
    }
    Endpoint e = cluster.pick(request, random, previous);
    if (e == null) {
      return fail(ResponseFlag.UH, noEndpoint(cluster));
    }
    e.onRequestStart();
    current = e;
    tries++;
    if (event != null) {
      event.startTry(tries, e, time.nanoTime());
    }
    return null;
  }

  /** The endpoint of the current try; null for a passthrough cluster (send to the address the caller named). */
  public @Nullable Endpoint endpoint() {
    return current;
  }

  /**
   * The time the current try may take: the route's {@code perTryTimeout} and what is left of the
   * deadline, whichever is shorter; null when neither is set.
   */
  public @Nullable Duration tryTimeout() {
    return tryTimeout;
  }

  private @Nullable Duration computeTryTimeout() {
    Duration perTry = policy.retries().perTryTimeout();
    if (deadline == null) {
      return perTry;
    }
    Duration left = Duration.ofNanos(deadline.remainingNanos(time));
    return perTry == null || left.compareTo(perTry) < 0 ? left : perTry;
  }

  /** The connect timeout of the current try: the cluster's {@code tcp.connectTimeout}, within the try's time. */
  public Duration connectTimeout() {
    Duration connect = limits.connectTimeout();
    return tryTimeout != null && tryTimeout.compareTo(connect) < 0 ? tryTimeout : connect;
  }

  /**
   * Records the current try's result (outlier detection, counters) and decides: a negative value
   * means the call is done with this result; otherwise retry after that many nanoseconds.
   */
  public long onResult(AttemptResult result) {
    endTry(result);
    lastRetriable = policy.retriable(result);
    if (!lastRetriable) {
      refusal = Refusal.NONE;
      recordBreaker(result);
      outcome(result);
      return -1;
    }
    Refusal why = retryRefusal();
    if (why != Refusal.NONE) {
      refusal = why;
      if (why == Refusal.BUDGET) {
        overflowed(OutboundEvent.Overflow.RETRY_BUDGET);
      }
      recordBreaker(result);
      if (retriesExhausted()) {
        flags |= ResponseFlags.bit(ResponseFlag.URX);
      }
      outcome(result);
      return -1;
    }
    retryInFlight = true;
    refusal = Refusal.NONE;
    return pendingDelay;
  }

  /**
   * Records the current try's result as final without considering a retry: for an adapter that can
   * no longer retry (a gRPC response already committed to the caller, or a cancelled call).
   */
  public void complete(AttemptResult result) {
    endTry(result);
    lastRetriable = false;
    refusal = Refusal.NONE;
    recordBreaker(result);
    outcome(result);
  }

  /** The outcome listeners hear: a response's status; a failure without one as the status Envoy would answer. */
  private void outcome(AttemptResult result) {
    if (event != null) {
      event.result(result, flags);
    }
  }

  /** The caller cancelled the call (or went away): adds {@code DC} to its flags. */
  public void cancelled() {
    flags |= ResponseFlags.bit(ResponseFlag.DC);
  }

  // ---- what adapters report for listeners ----------------------------------------------------

  /** True when listeners hear this call: only then are {@link #reportBytes} and {@link #reportMessages} worth computing. */
  public boolean observed() {
    return event != null;
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

  /** Gives the headers listeners want on the current try (a trace context) to {@code sink}; call after {@link #startTry()}. */
  public void forEachTryHeader(BiConsumer<String, String> sink) {
    if (event != null) {
      event.forEachTryHeader(sink);
    }
  }

  private void endTry(AttemptResult result) {
    Endpoint e = current;
    if (e != null) {
      e.onRequestEnd();
      limits.report(e, result, time.nanoTime(), cluster.endpoints());
      current = null;
      previous = e;
    }
    if (event != null && event.tryResult == null && event.tries == tries) {
      event.endTry(result);
    }
    if (retryInFlight) {
      limits.endRetry();
      retryInFlight = false;
    }
  }

  private Refusal retryRefusal() {
    if (tries > policy.retries().attempts()) {
      return Refusal.ATTEMPTS;
    }
    if (!policy.mayRetry(request.method(), grpc)) {
      return Refusal.NON_IDEMPOTENT;
    }
    pendingDelay = policy.backoff(Math.max(1, tries)).toNanos();
    if (deadline != null && deadline.remainingNanos(time) - pendingDelay <= 0) {
      return Refusal.DEADLINE;
    }
    if (!limits.tryStartRetry()) {
      return Refusal.BUDGET;
    }
    return Refusal.NONE;
  }

  private void recordBreaker(AttemptResult result) {
    if (breakerPending) {
      breakerPending = false;
      limits.recordCall(time.nanoTime() - startNanos, !(result.countsAs5xx() || result.isFailure()));
    }
  }

  /** Releases the pool place and any retry in flight. Call once, in a finally block. */
  public void end() {
    Endpoint e = current;
    if (e != null) {
      e.onRequestEnd();
      current = null;
    }
    if (retryInFlight) {
      limits.endRetry();
      retryInFlight = false;
    }
    if (breakerPending) {
      // The call ended without a final result (cancelled, or a failure the adapter did not report).
      breakerPending = false;
      limits.recordCall(time.nanoTime() - startNanos, false);
    }
    if (admitted) {
      limits.release();
      admitted = false;
    }
    if (event != null) {
      event.end(time.nanoTime(), flags());
    }
  }

  // ---- outcome --------------------------------------------------------------------------------

  /**
   * The failure to report for the final {@code result} when it is a failure with no response (or
   * a gRPC status the adapter reports as the mesh's): the flag ({@code UF}, {@code UT}, {@code UC}),
   * and a message naming the try, cluster and endpoint, what happened ({@code detail} added, for
   * example the TLS reason) and why it was not retried.
   */
  public CallFailure failure(AttemptResult result, @Nullable String detail) {
    ResponseFlag flag = flagOf(result.failure());
    String what = result.failure() == AttemptResult.Failure.TIMEOUT ? "timed out" : result.toString();
    if (detail != null && !detail.isEmpty()) {
      what += " (" + detail + ")";
    }
    Endpoint where = current != null ? current : previous;
    StringBuilder sb = new StringBuilder("try ").append(tries).append(" to ").append(cluster.name())
        .append(" (").append(where != null ? where.hostPort() : cluster.host()).append(") ").append(what);
    switch (refusal) {
      case ATTEMPTS:
        sb.append("; no retry left (").append(policy.retries().attempts()).append(" attempts)");
        break;
      case NON_IDEMPOTENT:
        sb.append("; not retried: non-idempotent request (see retries.meshlet.io/non-idempotent)");
        break;
      case DEADLINE:
        sb.append("; not retried: the deadline would pass");
        break;
      case BUDGET:
        sb.append("; not retried: retry budget exhausted");
        break;
      default:
        break;
    }
    return failed(new CallFailure(flag, ResponseFlags.ofBits(flags | ResponseFlags.bit(flag)), sb.toString()));
  }

  /** The flag of a try that failed without a response: {@code UF} connect failure, {@code UT} timeout, else {@code UC}. */
  public static ResponseFlag flagOf(AttemptResult.Failure failure) {
    switch (failure) {
      case CONNECT_FAILURE:
        return ResponseFlag.UF;
      case TIMEOUT:
        return ResponseFlag.UT;
      default:
        return ResponseFlag.UC;
    }
  }

  private CallFailure fail(ResponseFlag flag, String message) {
    return failed(new CallFailure(flag, ResponseFlags.ofBits(flags | ResponseFlags.bit(flag)), message));
  }

  private CallFailure failed(CallFailure f) {
    if (event != null) {
      event.outcome(grpc ? 200 : f.httpStatus(), grpc ? f.grpcCode().value() : -1, f.flags());
    }
    return f;
  }

  static String noEndpoint(Cluster cluster) {
    int ejected = cluster.ejected().size();
    return cluster.noEndpointMessage() + (ejected > 0 ? " (" + ejected + " of " + cluster.endpoints().size() + " ejected)" : "");
  }

  /** The flags this call has collected so far ({@code DI}, {@code URX}), for the response. */
  public ResponseFlags flags() {
    return ResponseFlags.ofBits(flags);
  }

  /** Tries made so far. */
  public int tries() {
    return tries;
  }

  /** True if the last result was retriable but not retried: Envoy's {@code URX} when attempts ran out. */
  public boolean retriesExhausted() {
    return lastRetriable && refusal != Refusal.NONE && policy.retries().attempts() > 0;
  }

  /** Why the last retriable result was not retried. */
  public Refusal refusal() {
    return refusal;
  }

  /** The earliest of the caller's deadline and the route's timeout; null when neither is set. */
  public @Nullable Deadline deadline() {
    return deadline;
  }

  public boolean deadlinePassed() {
    return deadline != null && deadline.expired(time);
  }

  public RoutePolicy routePolicy() {
    return policy;
  }

  /** True for a gRPC call ({@code content-type: application/grpc}): retried as gRPC calls are. */
  public boolean isGrpc() {
    return grpc;
  }

  @Override
  public String toString() {
    return "OutboundCall[" + route.describe() + " -> " + cluster.name() + ", try " + tries + "]";
  }
}
