package io.meshlet.grpc;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.pipeline.CallFailure;
import io.meshlet.core.pipeline.CallerContext;
import io.meshlet.core.pipeline.LocalReply;
import io.meshlet.core.pipeline.Mirror;
import io.meshlet.core.pipeline.OutboundCall;
import io.meshlet.core.pipeline.Passthrough;
import io.meshlet.core.pipeline.Redirect;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.pipeline.ResponseFlags;
import io.meshlet.core.pipeline.Routed;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.Deadline;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call on a mesh channel. At {@code start} (when the metadata are known) it asks the mesh's
 * pipeline what to do, then carries it out: fail or answer locally with a {@link Status}, or drive
 * the {@link OutboundCall} — fault delay (scheduled, never slept), abort and admission, then tries
 * over the inner channel of the try's cluster, each to the endpoint the mesh picked, within the
 * try's timeout, with the route's header operations and rewrites.
 *
 * <p>A try may be retried until the call is <em>committed</em>: when response headers arrive (the
 * server answered; from then on everything goes to the caller), or when the caller has sent more
 * than {@link #MAX_BUFFERED_MESSAGES} messages (they are kept for a retry until then). So unary and
 * server-streaming calls are retried as gRPC's retry design (gRFC A6) retries them, and client or
 * bidirectional streams only before their first response.
 *
 * <p>Threads: the caller's operations, try starts (also from the timer) and decisions on a try's end
 * run one at a time in a {@link SynchronizationContext}; the caller's listener gets callbacks on the
 * call's executor, from the committed try directly or, for outcomes the mesh makes, through it.
 */
final class MeshClientCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {
  private static final Logger log = LoggerFactory.getLogger(MeshClientCall.class);
  /** Messages kept for a retry before the call commits to its try. */
  static final int MAX_BUFFERED_MESSAGES = 32;
  /**
   * Messages a mirror may fall behind by: a copy that is not ready for this many messages in a row
   * (its flow-control window full, or still connecting) is cancelled, so a slow mirror of a stream
   * never piles up the caller's messages.
   */
  static final int MAX_MIRROR_BACKLOG = 32;

  private final MeshChannel channel;
  private final MethodDescriptor<ReqT, RespT> method;
  private final CallOptions options;
  private final Context context;
  private final Executor callExecutor;
  private final SynchronizationContext sync;
  private final AtomicBoolean closed = new AtomicBoolean();

  // Touched only in sync (volatile where other threads read them).
  private @Nullable Listener<RespT> listener;
  private @Nullable Metadata headers;
  private @Nullable OutboundCall call;
  private MethodDescriptor<ReqT, RespT> tryMethod;
  private volatile @Nullable ClientCall<ReqT, RespT> current;
  private @Nullable Attempt active;
  private final List<ReqT> sent = new ArrayList<>();
  /** The mirrored copies of the call, fed the caller's messages and half-close until it half-closes. */
  private final List<Shadow<ReqT, RespT>> shadows = new ArrayList<>(0);
  private int requested;
  private boolean halfClosed;
  private boolean cancelled;
  private @Nullable Boolean compression;
  private volatile boolean committed;
  private @Nullable Future<?> timer;
  private Context.@Nullable CancellationListener contextListener;
  /** What the mesh's listeners captured on the caller's thread (its trace context), or the serving call's. */
  private final @Nullable CallerContext callerContext;
  private long messagesSent;
  /** The wire sizes of the current try, counted when a listener observes the call. */
  private volatile @Nullable WireSizes trySizes;
  /** The passthrough being made (a host the mesh does not know), when listeners hear it. */
  private @Nullable Passthrough direct;
  /** Set when the caller's context was cancelled by its deadline: the CANCELLED close that follows is reported as DEADLINE_EXCEEDED. */
  private volatile @Nullable Status contextDeadline;
  private volatile long messagesReceived;

  MeshClientCall(MeshChannel channel, MethodDescriptor<ReqT, RespT> method, CallOptions options) {
    this.channel = channel;
    this.method = method;
    this.tryMethod = method;
    this.options = options;
    this.context = Context.current();
    this.callExecutor = options.getExecutor() != null ? options.getExecutor() : channel.executor();
    CallerContext captured = channel.mesh.pipeline().captureContext();
    this.callerContext = captured != null ? captured : MeshServerInterceptor.CALLER_CONTEXT.get(context);
    this.sync = new SynchronizationContext((t, e) -> {
      log.error("mesh gRPC call {} failed in the mesh", method.getFullMethodName(), e);
      deliverClose(Status.INTERNAL.withDescription("the mesh failed this call: " + e).withCause(e), new Metadata());
    });
  }

  @Override
  public void start(Listener<RespT> responseListener, Metadata requestHeaders) {
    // Read on the caller's thread: its deadline (inbound call being served, or its own) bounds every try.
    Deadline caller = Deadline.earliest(Deadline.current(),
        GrpcDeadlines.of(options.getDeadline(), context.getDeadline(), channel.mesh.time()));
    sync.execute(() -> {
      if (listener != null) {
        throw new IllegalStateException("start: already started");
      }
      listener = responseListener;
      headers = requestHeaders;
      if (cancelled) {
        deliverClose(Status.CANCELLED.withDescription("cancelled before start"), new Metadata());
        return;
      }
      watchContext();
      String authority = options.getAuthority() != null ? options.getAuthority() : channel.overrideAuthority();
      GrpcRequestView view = new GrpcRequestView(channel.target, method.getFullMethodName(), authority, requestHeaders);
      Routed routed = channel.mesh.pipeline().outbound(view, caller, callerContext);
      switch (routed.kind()) {
        case PASSTHROUGH:
          startDirect((Passthrough) routed);
          return;
        case FAILURE:
          CallFailure failure = (CallFailure) routed;
          deliverClose(GrpcStatuses.of(failure, null), GrpcStatuses.trailers(failure.flags(), Map.of()));
          return;
        case LOCAL_REPLY:
          LocalReply reply = (LocalReply) routed;
          deliverClose(GrpcStatuses.of(reply), GrpcStatuses.trailers(reply.flags(), reply.headers()));
          return;
        case REDIRECT:
          deliverClose(Status.UNIMPLEMENTED.withDescription(((Redirect) routed).route().describe()
              + " answers with a redirect, which a gRPC call cannot follow"), new Metadata());
          return;
        case FORWARD:
        default:
          forward((OutboundCall) routed, view);
      }
    });
  }

  /**
   * A cancelled context (the server call being served went away) cancels this call, also between
   * tries; a context cancelled because its deadline passed closes it {@code DEADLINE_EXCEEDED}, as
   * grpc-java's own calls do.
   */
  private void watchContext() {
    if (context == Context.ROOT) {
      return;
    }
    contextListener = ctx -> {
      Status why = io.grpc.Contexts.statusFromCancelled(ctx);
      if (why != null && why.getCode() == Status.Code.DEADLINE_EXCEEDED) {
        contextDeadline = why;
      }
      cancel("the caller's context was cancelled", ctx.cancellationCause());
    };
    context.addListener(contextListener, Runnable::run);
  }

  // ---- passthrough ----------------------------------------------------------------------------

  /**
   * A host the mesh does not know: one call straight to the target, untouched but for the headers
   * the listeners ask for (the trace context); reported as Envoy's {@code PassthroughCluster} when
   * listeners hear it.
   */
  private void startDirect(Passthrough p) {
    ManagedChannel inner;
    try {
      inner = channel.channel(ChannelKey.direct(null));
    } catch (IOException e) {
      p.startTry();
      p.complete(AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE));
      p.end();
      deliverClose(Status.UNAVAILABLE.withDescription(e.getMessage()), new Metadata());
      return;
    }
    committed = true;
    Metadata h = headers;
    CallOptions o = options;
    boolean observed = p.observed();
    if (observed) {
      direct = p;
      p.startTry();
      Metadata copy = new Metadata();
      copy.merge(headers);
      p.forEachTryHeader((name, value) -> copy.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
      h = copy;
      WireSizes.Client sizes = new WireSizes.Client();
      trySizes = sizes.sizes;
      o = o.withStreamTracerFactory(sizes);
    }
    ClientCall<ReqT, RespT> call = newInnerCall(inner, method, o);
    current = call;
    Listener<RespT> app = listener;
    call.start(new Listener<RespT>() {
      @Override
      public void onHeaders(Metadata responseHeaders) {
        app.onHeaders(responseHeaders);
      }

      @Override
      public void onMessage(RespT message) {
        messagesReceived++;
        app.onMessage(message);
      }

      @Override
      public void onReady() {
        app.onReady();
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (observed) {
          sync.execute(() -> endDirect(status, trailers));
        } else {
          deliverCloseHere(status, trailers);
        }
      }
    }, h);
    replay(call);
  }

  /** The passthrough call closed: report it (status, messages, wire sizes), then close the caller's listener. */
  private void endDirect(Status status, Metadata trailers) {
    Passthrough p = direct;
    if (p != null) {
      if (cancelled) {
        p.cancelled();
        p.complete(AttemptResult.failure(AttemptResult.Failure.RESET));
      } else {
        // No try timeout of the mesh's: a DEADLINE_EXCEEDED is the caller's or the server's status.
        p.complete(GrpcStatuses.classify(status, false));
      }
      p.reportMessages(messagesSent, messagesReceived);
      WireSizes sizes = trySizes;
      if (sizes != null) {
        p.reportBytes(sizes.sent(), sizes.received());
      }
      p.end();
    }
    deliverClose(status, trailers);
  }

  // ---- forward --------------------------------------------------------------------------------

  private void forward(OutboundCall c, GrpcRequestView view) {
    call = c;
    if (!c.path().equals(view.path())) {
      tryMethod = method.toBuilder().setFullMethodName(c.path().substring(1)).build();
    }
    Duration delay = c.faultDelay();
    if (delay != null) {
      timer = channel.mesh.time().schedule(() -> sync.execute(this::admit), delay);
    } else {
      admit();
    }
  }

  private void admit() {
    OutboundCall c = call;
    if (cancelled || c == null) {
      return;
    }
    LocalReply refused = c.admit();
    if (refused != null) {
      c.end();
      deliverClose(GrpcStatuses.of(refused), GrpcStatuses.trailers(refused.flags(), refused.headers()));
      return;
    }
    startMirrors(c);
    nextTry();
  }

  /**
   * Starts a copy of this call per mirror the pipeline chose, of any method type: to the mirror's
   * endpoint, with the shadow authority, the route's header operations and the headers listeners
   * added to the mirror (the caller's peer metadata), outside the caller's
   * context and with the mirror's own deadline. Its responses are read and discarded; it ends the
   * mirror when it closes. The request messages follow as the caller sends them, as long as the copy
   * keeps up ({@link #MAX_MIRROR_BACKLOG}); a caller's cancel cancels a copy not yet half-closed.
   */
  private void startMirrors(OutboundCall c) {
    List<Mirror> mirrors = c.mirrors();
    for (int i = 0; i < mirrors.size(); i++) {
      Mirror m = mirrors.get(i);
      try {
        ManagedChannel inner = channel.channel(ChannelKey.endpoints(m.tls()));
        CallOptions o = CallOptions.DEFAULT
            .withOption(EndpointBalancer.ADDRESS, MeshChannel.address(m.endpoint()))
            .withAuthority(m.authority())
            .withDeadlineAfter(Math.max(1, m.timeout().toNanos()), TimeUnit.NANOSECONDS);
        String serverName = channel.serverName(m.tls(), m.cluster().host());
        if (serverName != null) {
          o = o.withOption(EndpointBalancer.SERVER_NAME, serverName);
        }
        Metadata h = new Metadata();
        h.merge(headers);
        MetadataEditor.apply(m.headers().request(), h);
        m.forEachHeader((name, value) -> h.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
        ClientCall<ReqT, RespT> copy;
        Context previous = Context.ROOT.attach();
        try {
          copy = inner.newCall(tryMethod, o);
        } finally {
          Context.ROOT.detach(previous);
        }
        ClientCall<ReqT, RespT> started = copy;
        copy.start(new Listener<RespT>() {
          @Override
          public void onMessage(RespT message) {
            started.request(1); // discarded; keep reading so a streaming mirror is not held by its own responses
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            m.done();
          }
        }, h);
        copy.request(1);
        for (ReqT message : sent) {
          copy.sendMessage(message);
        }
        if (halfClosed) {
          copy.halfClose();
        } else {
          shadows.add(new Shadow<>(copy));
        }
      } catch (IOException | RuntimeException e) {
        m.done(); // never the original's problem
      }
    }
  }

  /** Starts a try: its endpoint, timeout and metadata, over the inner channel of its cluster's TLS. */
  private void nextTry() {
    OutboundCall c = call;
    if (cancelled || c == null || closed.get()) {
      return;
    }
    CallFailure refused = c.startTry();
    if (refused != null) {
      finish(GrpcStatuses.of(refused, null), GrpcStatuses.trailers(refused.flags(), Map.of()));
      return;
    }
    Endpoint endpoint = c.endpoint();
    ManagedChannel inner;
    try {
      inner = channel.channel(endpoint == null ? ChannelKey.direct(c.tls()) : ChannelKey.endpoints(c.tls()));
    } catch (IOException | RuntimeException e) {
      c.complete(AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE));
      CallFailure f = c.failure(AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE), c.cluster().name() + ": " + e.getMessage());
      finish(GrpcStatuses.of(f, e), GrpcStatuses.trailers(f.flags(), Map.of()));
      return;
    }
    CallOptions o = options;
    if (endpoint != null) {
      o = o.withOption(EndpointBalancer.ADDRESS, MeshChannel.address(endpoint));
      String serverName = channel.serverName(c.tls(), c.cluster().host());
      if (serverName != null) {
        // The connection's TLS name (SNI, certificate host name); the call keeps its own :authority.
        o = o.withOption(EndpointBalancer.SERVER_NAME, serverName);
        if (o.getAuthority() == null) {
          o = o.withAuthority(channel.authority());
        }
      }
    }
    Duration timeout = c.tryTimeout();
    if (timeout != null) {
      o = o.withDeadlineAfter(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }
    if (c.authority() != null) {
      o = o.withAuthority(c.authority());
    }
    Metadata h = new Metadata();
    h.merge(headers);
    MetadataEditor.apply(c.routeHeaders().request(), h);
    MetadataEditor.apply(c.destinationHeaders().request(), h);
    c.forEachTryHeader((name, value) -> h.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
    if (c.observed()) {
      WireSizes.Client sizes = new WireSizes.Client();
      trySizes = sizes.sizes;
      o = o.withStreamTracerFactory(sizes);
    }
    ClientCall<ReqT, RespT> try_ = newInnerCall(inner, tryMethod, o);
    Attempt attempt = new Attempt(try_, timeout != null);
    active = attempt;
    current = try_;
    try_.start(attempt, h);
    replay(try_);
  }

  private ClientCall<ReqT, RespT> newInnerCall(ManagedChannel inner, MethodDescriptor<ReqT, RespT> m, CallOptions o) {
    Context previous = context.attach();
    try {
      return inner.newCall(m, o);
    } finally {
      context.detach(previous);
    }
  }

  /** What the caller did before this try existed. */
  private void replay(ClientCall<ReqT, RespT> inner) {
    if (compression != null) {
      inner.setMessageCompression(compression);
    }
    if (requested > 0) {
      inner.request(requested);
    }
    for (ReqT m : sent) {
      inner.sendMessage(m);
    }
    if (halfClosed) {
      inner.halfClose();
    }
  }

  /** The listener of one try. Its callbacks come on the call's executor. */
  private final class Attempt extends Listener<RespT> {
    final ClientCall<ReqT, RespT> inner;
    final boolean hadTimeout;

    Attempt(ClientCall<ReqT, RespT> inner, boolean hadTimeout) {
      this.inner = inner;
      this.hadTimeout = hadTimeout;
    }

    @Override
    public void onHeaders(Metadata h) {
      // The server answered: this try is the call's now, it is not retried any more.
      committed = true;
      OutboundCall c = call;
      if (c != null) {
        MetadataEditor.apply(c.destinationHeaders().response(), h);
        MetadataEditor.apply(c.routeHeaders().response(), h);
      }
      listener.onHeaders(h);
    }

    @Override
    public void onMessage(RespT message) {
      messagesReceived++;
      listener.onMessage(message);
    }

    @Override
    public void onReady() {
      if (current == inner) {
        listener.onReady();
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      sync.execute(() -> ended(this, status, trailers));
    }
  }

  /** A try ended: report it, then retry it or end the call with it. */
  private void ended(Attempt attempt, Status status, Metadata trailers) {
    if (attempt != active) {
      return;
    }
    active = null;
    current = null;
    OutboundCall c = call;
    AttemptResult result = GrpcStatuses.classify(status, attempt.hadTimeout);
    if (cancelled) {
      c.cancelled();
      c.complete(AttemptResult.failure(AttemptResult.Failure.RESET));
      finish(status, withFlags(trailers, c.flags()));
      return;
    }
    if (committed || status.isOk()) {
      c.complete(result);
      if (!committed) {
        // Trailers-only answer: the response header operations apply to them.
        MetadataEditor.apply(c.destinationHeaders().response(), trailers);
        MetadataEditor.apply(c.routeHeaders().response(), trailers);
      }
      finish(status, withFlags(trailers, c.flags()));
      return;
    }
    long retryIn = c.onResult(result);
    if (retryIn >= 0) {
      timer = channel.mesh.time().schedule(() -> sync.execute(this::nextTry), Duration.ofNanos(retryIn));
      return;
    }
    if (result.isFailure()) {
      CallFailure f = c.failure(result, GrpcStatuses.describe(status));
      finish(GrpcStatuses.of(f, status.getCause()), withFlags(trailers, f.flags()));
      return;
    }
    MetadataEditor.apply(c.destinationHeaders().response(), trailers);
    MetadataEditor.apply(c.routeHeaders().response(), trailers);
    finish(status, withFlags(trailers, c.flags()));
  }

  private static Metadata withFlags(Metadata trailers, ResponseFlags flags) {
    GrpcStatuses.addFlags(trailers, flags);
    return trailers;
  }

  /** Ends the forwarded call: releases its pool place and closes with {@code status}. */
  private void finish(Status status, Metadata trailers) {
    OutboundCall c = call;
    if (c != null) {
      c.reportMessages(messagesSent, messagesReceived);
      WireSizes sizes = trySizes;
      if (sizes != null) {
        c.reportBytes(sizes.sent(), sizes.received());
      }
      c.end();
    }
    deliverClose(status, trailers);
  }

  /** Closes the caller's listener once, on the call's executor. */
  private void deliverClose(Status given, Metadata trailers) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Status status = closeStatus(given);
    unwatchContext();
    Listener<RespT> l = listener;
    if (l == null) {
      return;
    }
    callExecutor.execute(() -> l.onClose(status, trailers));
  }

  /** Closes the caller's listener once, on this thread (already the call's executor). */
  private void deliverCloseHere(Status status, Metadata trailers) {
    if (closed.compareAndSet(false, true)) {
      unwatchContext();
      listener.onClose(closeStatus(status), trailers);
    }
  }

  /** {@code given}, or DEADLINE_EXCEEDED when it is the CANCELLED that the caller's context deadline caused. */
  private Status closeStatus(Status given) {
    Status deadline = contextDeadline;
    return deadline != null && given.getCode() == Status.Code.CANCELLED
        ? Status.DEADLINE_EXCEEDED.withDescription("the caller's deadline passed: " + deadline.getDescription())
            .withCause(given.getCause())
        : given;
  }

  private void unwatchContext() {
    if (contextListener != null) {
      context.removeListener(contextListener);
    }
  }

  // ---- the caller's side ----------------------------------------------------------------------

  @Override
  public void request(int numMessages) {
    sync.execute(() -> {
      requested += numMessages;
      ClientCall<ReqT, RespT> c = current;
      if (c != null) {
        c.request(numMessages);
      }
    });
  }

  @Override
  public void sendMessage(ReqT message) {
    sync.execute(() -> {
      messagesSent++;
      if (!committed) {
        if (sent.size() < MAX_BUFFERED_MESSAGES) {
          sent.add(message);
        } else {
          // Too much to keep for a retry: this try is the call's.
          committed = true;
          sent.clear();
        }
      } else if (!sent.isEmpty()) {
        sent.clear(); // committed: no retry will replay them
      }
      ClientCall<ReqT, RespT> c = current;
      if (c != null) {
        c.sendMessage(message);
      }
      for (int i = shadows.size() - 1; i >= 0; i--) {
        if (!shadows.get(i).send(message)) {
          shadows.remove(i);
        }
      }
    });
  }

  @Override
  public void halfClose() {
    sync.execute(() -> {
      halfClosed = true;
      ClientCall<ReqT, RespT> c = current;
      if (c != null) {
        c.halfClose();
      }
      for (int i = 0; i < shadows.size(); i++) {
        shadows.get(i).call.halfClose();
      }
      shadows.clear();
    });
  }

  @Override
  public void cancel(@Nullable String message, @Nullable Throwable cause) {
    sync.execute(() -> {
      if (cancelled) {
        return;
      }
      cancelled = true;
      for (int i = 0; i < shadows.size(); i++) {
        shadows.get(i).call.cancel("the mirrored call was cancelled", null);
      }
      shadows.clear();
      if (listener == null) {
        return; // start closes the call
      }
      Future<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      ClientCall<ReqT, RespT> c = current;
      if (c != null) {
        c.cancel(message, cause); // its close ends the call
        return;
      }
      Status status = Status.CANCELLED.withDescription(message).withCause(cause);
      OutboundCall oc = call;
      if (oc != null) {
        oc.cancelled();
      }
      finish(status, GrpcStatuses.trailers(oc != null ? oc.flags() : ResponseFlags.of(ResponseFlag.DC), Map.of()));
    });
  }

  @Override
  public boolean isReady() {
    ClientCall<ReqT, RespT> c = current;
    return c != null && c.isReady();
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    sync.execute(() -> {
      compression = enabled;
      ClientCall<ReqT, RespT> c = current;
      if (c != null) {
        c.setMessageCompression(enabled);
      }
    });
  }

  @Override
  public Attributes getAttributes() {
    ClientCall<ReqT, RespT> c = current;
    return c != null ? c.getAttributes() : Attributes.EMPTY;
  }

  /** A mirror's copy of a call still receiving the caller's messages, and how far it has fallen behind. */
  private static final class Shadow<ReqT, RespT> {
    final ClientCall<ReqT, RespT> call;
    private int notReady;

    Shadow(ClientCall<ReqT, RespT> call) {
      this.call = call;
    }

    /** Sends {@code message} unless the copy fell {@link #MAX_MIRROR_BACKLOG} messages behind; then cancels it and answers false. */
    boolean send(ReqT message) {
      notReady = call.isReady() ? 0 : notReady + 1;
      if (notReady > MAX_MIRROR_BACKLOG) {
        call.cancel("the mirror fell " + MAX_MIRROR_BACKLOG + " messages behind the caller", null);
        return false;
      }
      call.sendMessage(message);
      return true;
    }
  }

  @Override
  public String toString() {
    return "MeshClientCall[" + method.getFullMethodName() + " to " + channel.target.authority() + "]";
  }
}
