package io.meshlet.grpc;

import io.grpc.ClientStreamTracer;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.meshlet.core.Mesh;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The body bytes of one gRPC stream as Envoy counts them for {@code istio_request_bytes} and {@code
 * istio_response_bytes}: each message as it went on the wire (compressed if it was) plus its 5-byte
 * frame header. Counted by stream tracers, which see the wire (interceptors do not): {@link Client}
 * per try of a mesh channel, {@link Server} per call of a server it is installed on ({@link
 * MeshGrpc#serverStreamTracer}), which puts the count in the call's {@link Context} for {@link
 * MeshServerInterceptor} to report. The transport reports each message's size before the message
 * is handed on (and, outbound, while the sender's {@code sendMessage} runs), so the count is
 * complete when the call closes.
 */
final class WireSizes {
  static final int FRAME_HEADER = 5;
  /** The count of the server call being served, when the server has {@link Server} installed. */
  static final Context.Key<WireSizes> SERVER_CALL = Context.key("io.meshlet.wire-sizes");

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();

  /** Bytes this side sent: the request on a client, the response on a server. */
  long sent() {
    return sent.get();
  }

  /** Bytes this side received. */
  long received() {
    return received.get();
  }

  /** The count of the server call whose {@link Context} is current; null when no {@link Server} tracer counts it. */
  static @Nullable WireSizes ofServerCall() {
    return SERVER_CALL.get();
  }

  /** Counts the streams of one client try into {@link #sizes}. */
  static final class Client extends ClientStreamTracer.Factory {
    final WireSizes sizes = new WireSizes();

    @Override
    public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
      WireSizes s = sizes;
      return new ClientStreamTracer() {
        @Override
        public void outboundMessage(int seqNo) {
          s.sent.addAndGet(FRAME_HEADER);
        }

        @Override
        public void outboundWireSize(long bytes) {
          s.sent.addAndGet(bytes);
        }

        @Override
        public void inboundMessage(int seqNo) {
          s.received.addAndGet(FRAME_HEADER);
        }

        @Override
        public void inboundWireSize(long bytes) {
          s.received.addAndGet(bytes);
        }
      };
    }
  }

  /** Counts each server call when the mesh has listeners; otherwise one shared tracer that does nothing. */
  static final class Server extends ServerStreamTracer.Factory {
    private static final ServerStreamTracer NONE = new ServerStreamTracer() {};
    private final Mesh mesh;

    Server(Mesh mesh) {
      this.mesh = mesh;
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
      if (!mesh.pipeline().hasListeners()) {
        return NONE;
      }
      WireSizes s = new WireSizes();
      return new ServerStreamTracer() {
        @Override
        public Context filterContext(Context context) {
          return context.withValue(SERVER_CALL, s);
        }

        @Override
        public void outboundMessage(int seqNo) {
          s.sent.addAndGet(FRAME_HEADER);
        }

        @Override
        public void outboundWireSize(long bytes) {
          s.sent.addAndGet(bytes);
        }

        @Override
        public void inboundMessage(int seqNo) {
          s.received.addAndGet(FRAME_HEADER);
        }

        @Override
        public void inboundWireSize(long bytes) {
          s.received.addAndGet(bytes);
        }
      };
    }

    @Override
    public String toString() {
      return "MeshGrpc.serverStreamTracer[" + mesh + "]";
    }
  }
}
