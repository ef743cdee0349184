package io.meshlet.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.meshlet.core.Mesh;
import io.meshlet.core.pipeline.InboundVerdict;
import io.meshlet.core.pipeline.LocalReply;
import io.meshlet.core.resilience.Deadline;

/**
 * The mesh on the server side of a gRPC service ({@link MeshGrpc#serverInterceptor}): the inbound
 * pipeline decides each call before the service sees it; a refused call is closed here.
 */
final class MeshServerInterceptor implements ServerInterceptor {
  private static final ServerCall.Listener<?> NOTHING = new ServerCall.Listener<Object>() {};

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
    ServerCall.Listener<ReqT> listener = context == Context.current() ? next.startCall(call, headers)
        : Contexts.interceptCall(context, call, headers, next);
    Deadline deadline = verdict.deadline();
    return deadline == null ? listener : new WithDeadline<>(listener, deadline);
  }

  /**
   * Attaches the caller's deadline to the thread during each callback, so calls the service makes
   * with other clients (OkHttp through the mesh) are bounded by it; gRPC calls carry it in their
   * context anyway.
   */
  private static final class WithDeadline<ReqT> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final Deadline deadline;

    WithDeadline(ServerCall.Listener<ReqT> delegate, Deadline deadline) {
      super(delegate);
      this.deadline = deadline;
    }

    @Override
    public void onMessage(ReqT message) {
      try (Deadline.Scope s = deadline.attach()) {
        super.onMessage(message);
      }
    }

    @Override
    public void onHalfClose() {
      try (Deadline.Scope s = deadline.attach()) {
        super.onHalfClose();
      }
    }

    @Override
    public void onReady() {
      try (Deadline.Scope s = deadline.attach()) {
        super.onReady();
      }
    }
  }

  @Override
  public String toString() {
    return "MeshServerInterceptor[" + mesh + "]";
  }
}
