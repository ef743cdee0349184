package io.meshlet.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.Headers;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.security.InboundDecision;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the mesh decided for an inbound call ({@link MeshPipeline#inbound}), and where the adapter
 * reports how it ended. An adapter serves an allowed call like this:
 *
 * <pre>{@code
 * try (CallListener.Scope s = verdict.attachContext()) {   // the server span, current while serving
 *   ... the application runs ...
 * }
 * verdict.end(status, requestBytes, responseBytes);       // or endGrpc(...), once the response is complete
 * }</pre>
 *
 * @param decision the authorization decision with its reason; null when the workload enforces
 *     nothing (no policy was asked)
 * @param reply the answer to give instead of serving the call (403 denied, 429 rate limited), or
 *     null when the call goes to the application
 * @param deadline the time the caller has, to attach while the application serves the call; null for none
 * @param requestHeaders changes to the request headers the application sees (RequestAuthentication:
 *     the token's header removed unless {@code forwardOriginalToken}, {@code outputPayloadToHeader},
 *     {@code outputClaimToHeaders}); {@link Headers#NONE} for none
 * @param responseHeaders headers to add to the application's response (CORS: {@code
 *     Access-Control-Allow-Origin}, ...); empty for none
 * @param event the call as listeners hear it; null when no listener is registered
 */
public record InboundVerdict(@Nullable InboundDecision decision, @Nullable LocalReply reply, @Nullable Deadline deadline,
    Headers requestHeaders, Map<String, String> responseHeaders, @Nullable InboundEvent event) {
  static final InboundVerdict ALLOWED = new InboundVerdict(null, null, null);

  public InboundVerdict {
    requireNonNull(requestHeaders, "requestHeaders");
    responseHeaders = Map.copyOf(responseHeaders);
  }

  /** A verdict that changes no header and that no listener hears. */
  public InboundVerdict(@Nullable InboundDecision decision, @Nullable LocalReply reply, @Nullable Deadline deadline) {
    this(decision, reply, deadline, Headers.NONE, Map.of(), null);
  }

  /** True when the call goes to the application. */
  public boolean allowed() {
    return reply == null;
  }

  /** Makes what listeners keep for this call (the server span's context) current on this thread, until closed. */
  public CallListener.Scope attachContext() {
    return event == null ? CallListener.Scope.NONE : event.attach();
  }

  /** Reports the end of an HTTP call: the response status and the body sizes (negative: unknown). */
  public void end(int status, long requestBytes, long responseBytes) {
    if (event != null) {
      event.end(status, -1, requestBytes, responseBytes, 0, 0);
    }
  }

  /** Reports the end of a gRPC call: its status code and the messages received and sent (body sizes unknown). */
  public void endGrpc(int grpcCode, long requestMessages, long responseMessages) {
    endGrpc(grpcCode, requestMessages, responseMessages, -1, -1);
  }

  /**
   * Reports the end of a gRPC call: its status code, the messages received and sent, and the body
   * bytes received and sent as Envoy counts them (each message's wire size plus its 5-byte frame
   * header; negative: unknown).
   */
  public void endGrpc(int grpcCode, long requestMessages, long responseMessages, long requestBytes, long responseBytes) {
    if (event != null) {
      event.end(200, grpcCode, requestBytes, responseBytes, requestMessages, responseMessages);
    }
  }
}
