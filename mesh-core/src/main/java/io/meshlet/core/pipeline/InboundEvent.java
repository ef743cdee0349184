package io.meshlet.core.pipeline;

import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.security.InboundDecision;
import io.meshlet.core.security.InboundRequest;
import org.jspecify.annotations.Nullable;

/**
 * One inbound call as {@link CallListener}s see it: the request (with the peer's identity), the
 * mesh's decision (authorization, rate limit) and, at the end, the response the application or the
 * mesh gave. Built only when a listener is registered.
 */
public final class InboundEvent extends CallEvent {
  private final Listeners listeners;
  private final InboundRequest request;
  private final MeshTime time;
  private @Nullable InboundDecision decision;
  private @Nullable LocalReply reply;
  private CallListener.@Nullable Scoped scoped;

  InboundEvent(Listeners listeners, InboundRequest request, MeshTime time) {
    super(isGrpc(request), time.nanoTime());
    this.listeners = listeners;
    this.request = request;
    this.time = time;
  }

  private static boolean isGrpc(InboundRequest request) {
    String type = request.header("content-type");
    return type != null && type.startsWith("application/grpc");
  }

  public InboundRequest request() {
    return request;
  }

  /** The caller's SPIFFE identity from its verified client certificate; null without mutual TLS. */
  public @Nullable SpiffeId peer() {
    return request.peer();
  }

  /** The authorization decision (policy, reason); null when the workload enforces nothing. */
  public @Nullable InboundDecision decision() {
    return decision;
  }

  /** The answer the mesh gave instead of the application (403 denied, 429 rate limited); null when allowed. */
  public @Nullable LocalReply reply() {
    return reply;
  }

  public boolean allowed() {
    return reply == null;
  }

  /** Whether the call came over mutual TLS (a verified peer identity): Istio's {@code connection_security_policy}. */
  public boolean mutualTls() {
    return request.peer() != null;
  }

  void decided(@Nullable InboundDecision d, @Nullable LocalReply r) {
    decision = d;
    reply = r;
    if (r != null) {
      status = r.status();
      grpcStatus = isGrpc() ? r.effectiveGrpcCode().value() : -1;
      if (isGrpc()) {
        status = 200;
      }
      flags = r.flags();
    }
    scoped = listeners.inboundStart(this);
  }

  CallListener.Scope attach() {
    CallListener.Scoped s = scoped;
    return s == null ? CallListener.Scope.NONE : listeners.attach(s);
  }

  void end(int httpStatus, int grpc, long reqBytes, long respBytes, long reqMessages, long respMessages) {
    if (endNanos >= 0) {
      return;
    }
    endNanos = time.nanoTime();
    if (reply == null) {
      status = httpStatus;
      grpcStatus = grpc;
    }
    bytes(reqBytes, respBytes);
    messages(reqMessages, respMessages);
    listeners.inboundEnd(this);
  }

  @Override
  public String toString() {
    return "InboundEvent[" + request + ", status " + status + " " + flags + "]";
  }
}
