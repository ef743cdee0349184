package io.meshlet.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.meshlet.core.Mesh;
import io.meshlet.core.pipeline.CallListener;
import io.meshlet.core.pipeline.CallerContext;
import io.meshlet.core.pipeline.InboundVerdict;
import io.meshlet.core.pipeline.LocalReply;
import io.meshlet.core.resilience.Deadline;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The mesh on the server side of a gRPC service ({@link MeshGrpc#serverInterceptor}): the inbound
 * pipeline decides each call before the service sees it; a refused call is closed here. While the
 * service runs, the caller's deadline and what the mesh's listeners keep for the call (the server
 * span) are current on the serving thread, and the latter also rides in the gRPC {@link Context},
 * so calls the service makes through the mesh, on that thread or under that context, continue the
 * caller's trace.
 */
final class MeshServerInterceptor implements ServerInterceptor {
  private static final ServerCall.Listener<?> NOTHING = new ServerCall.Listener<Object>() {};
  /** What the listeners captured while serving this call (its trace context), for mesh calls made under its gRPC context. */
  static final Context.Key<CallerContext> CALLER_CONTEXT = Context.key("io.meshlet.caller");

  private final Mesh mesh;

  MeshServerInterceptor(Mesh mesh) {
    this.mesh = mesh;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    GrpcInboundRequest request = new GrpcInboundRequest(call, headers);
    // The caller's deadline: grpc-java turned its grpc-timeout into the call's context deadline.
    InboundVerdict verdict = mesh.pipeline().inbound(request, GrpcDeadlines.of(Context.current().getDeadline(), null, mesh.time()));
    LocalReply reply = verdict.reply();
    if (reply != null) {
      call.close(GrpcStatuses.of(reply), GrpcStatuses.trailers(reply.flags(), reply.headers()));
      verdict.endGrpc(reply.effectiveGrpcCode().value(), 0, 0);
      return (ServerCall.Listener<ReqT>) NOTHING;
    }
    if (!verdict.requestHeaders().isEmpty()) {
      MetadataEditor.apply(verdict.requestHeaders(), headers); // RequestAuthentication: token removed, claims added
    }
    Context context = Context.current();
    if (request.peer() != null) {
      context = context.withValue(MeshGrpc.PEER_IDENTITY, request.peer());
    }
    if (verdict.decision() != null) {
      context = context.withValue(MeshGrpc.INBOUND_DECISION, verdict.decision());
    }
    Reporting<ReqT, RespT> reporting = null;
    if (verdict.event() != null) {
      CallerContext captured;
      try (CallListener.Scope s = verdict.attachContext()) {
        captured = mesh.pipeline().captureContext();
      }
      if (captured != null) {
        context = context.withValue(CALLER_CONTEXT, captured);
      }
      reporting = new Reporting<>(call, verdict, WireSizes.ofServerCall());
      call = reporting;
    }
    ServerCall.Listener<ReqT> listener = context == Context.current() ? next.startCall(call, headers)
        : Contexts.interceptCall(context, call, headers, next);
    Deadline deadline = verdict.deadline();
    return deadline == null && reporting == null ? listener : new Serving<>(listener, deadline, verdict, reporting);
  }

  /** Reports the call's end (status, messages, and body bytes when a tracer counted them) to the mesh's listeners. */
  private static final class Reporting<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final InboundVerdict verdict;
    /** The call's wire sizes when the server has the mesh's stream tracer ({@link MeshGrpc#serverStreamTracer}). */
    private final @Nullable WireSizes sizes;
    private final AtomicBoolean ended = new AtomicBoolean();
    volatile long received;
    private volatile long sent;

    Reporting(ServerCall<ReqT, RespT> delegate, InboundVerdict verdict, @Nullable WireSizes sizes) {
      super(delegate);
      this.verdict = verdict;
      this.sizes = sizes;
    }

    @Override
    public void sendMessage(RespT message) {
      sent++;
      super.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      super.close(status, trailers);
      end(status);
    }

    void end(Status status) {
      if (ended.compareAndSet(false, true)) {
        WireSizes s = sizes;
        verdict.endGrpc(status.getCode().value(), received, sent, s == null ? -1 : s.received(), s == null ? -1 : s.sent());
      }
    }
  }

  /**
   * Attaches the caller's deadline and the listeners' context (the server span) to the thread during
   * each callback, so calls the service makes with other clients (OkHttp through the mesh) are
   * bounded by it and traced under it; gRPC calls carry the deadline in their context anyway.
   */
  private static final class Serving<ReqT> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final @Nullable Deadline deadline;
    private final InboundVerdict verdict;
    private final @Nullable Reporting<ReqT, ?> reporting;

    Serving(ServerCall.Listener<ReqT> delegate, @Nullable Deadline deadline, InboundVerdict verdict,
        @Nullable Reporting<ReqT, ?> reporting) {
      super(delegate);
      this.deadline = deadline;
      this.verdict = verdict;
      this.reporting = reporting;
    }

    @Override
    public void onMessage(ReqT message) {
      if (reporting != null) {
        reporting.received++;
      }
      try (Deadline.Scope s = attachDeadline(); CallListener.Scope c = verdict.attachContext()) {
        super.onMessage(message);
      }
    }

    @Override
    public void onHalfClose() {
      try (Deadline.Scope s = attachDeadline(); CallListener.Scope c = verdict.attachContext()) {
        super.onHalfClose();
      }
    }

    @Override
    public void onReady() {
      try (Deadline.Scope s = attachDeadline(); CallListener.Scope c = verdict.attachContext()) {
        super.onReady();
      }
    }

    @Override
    public void onCancel() {
      if (reporting != null) {
        reporting.end(Status.CANCELLED);
      }
      super.onCancel();
    }

    private Deadline.@Nullable Scope attachDeadline() {
      return deadline == null ? null : deadline.attach();
    }
  }

  @Override
  public String toString() {
    return "MeshServerInterceptor[" + mesh + "]";
  }
}
