package io.meshlet.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.Headers;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.security.InboundDecision;
import org.jspecify.annotations.Nullable;

/**
 * What the mesh decided for an inbound call ({@link MeshPipeline#inbound}).
 *
 * @param decision the authorization decision with its reason; null when the workload enforces
 *     nothing (no policy was asked)
 * @param reply the answer to give instead of serving the call (403 denied, 429 rate limited), or
 *     null when the call goes to the application
 * @param deadline the time the caller has, to attach while the application serves the call; null for none
 * @param requestHeaders changes to the request headers the application sees (RequestAuthentication:
 *     the token's header removed unless {@code forwardOriginalToken}, {@code outputPayloadToHeader},
 *     {@code outputClaimToHeaders}); {@link Headers#NONE} for none
 */
public record InboundVerdict(@Nullable InboundDecision decision, @Nullable LocalReply reply, @Nullable Deadline deadline,
    Headers requestHeaders) {
  static final InboundVerdict ALLOWED = new InboundVerdict(null, null, null);

  public InboundVerdict {
    requireNonNull(requestHeaders, "requestHeaders");
  }

  /** A verdict that changes no request header. */
  public InboundVerdict(@Nullable InboundDecision decision, @Nullable LocalReply reply, @Nullable Deadline deadline) {
    this(decision, reply, deadline, Headers.NONE);
  }

  /** True when the call goes to the application. */
  public boolean allowed() {
    return reply == null;
  }
}
