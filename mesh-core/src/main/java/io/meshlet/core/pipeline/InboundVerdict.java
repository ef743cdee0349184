package io.meshlet.core.pipeline;

import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.security.InboundDecision;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the mesh decided for an inbound call ({@link MeshPipeline#inbound}).
 *
 * @param decision the authorization decision with its reason; null when the workload enforces
 *     nothing (no policy was asked)
 * @param reply the answer to give instead of serving the call (403 denied, 429 rate limited), or
 *     null when the call goes to the application
 * @param deadline the time the caller has, to attach while the application serves the call; null for none
 * @param responseHeaders headers to add to the application's response (CORS: {@code
 *     Access-Control-Allow-Origin}, ...); empty for none
 */
public record InboundVerdict(@Nullable InboundDecision decision, @Nullable LocalReply reply, @Nullable Deadline deadline,
    Map<String, String> responseHeaders) {
  static final InboundVerdict ALLOWED = new InboundVerdict(null, null, null);

  public InboundVerdict {
    responseHeaders = Map.copyOf(responseHeaders);
  }

  /** A verdict that adds no response header. */
  public InboundVerdict(@Nullable InboundDecision decision, @Nullable LocalReply reply, @Nullable Deadline deadline) {
    this(decision, reply, deadline, Map.of());
  }

  /** True when the call goes to the application. */
  public boolean allowed() {
    return reply == null;
  }
}
