package io.meshlet.core.pipeline;

/**
 * What the mesh decided for an outbound request ({@link MeshPipeline#outbound}); the adapter
 * carries it out:
 *
 * <ul>
 *   <li>{@link Passthrough}: the mesh does not know the host and lets the call go as it is (the
 *       outbound traffic policy is {@code ALLOW_ANY});
 *   <li>{@link CallFailure}: the call fails here with a response flag and a message (no route, no
 *       cluster, blocked host);
 *   <li>{@link LocalReply}: the mesh answers itself (direct response, local rate limit);
 *   <li>{@link Redirect}: the route answers with a redirect (followed by an HTTP adapter, a
 *       failure over gRPC);
 *   <li>{@link OutboundCall}: the call is forwarded; the adapter drives its faults, admission and
 *       tries.
 * </ul>
 */
public sealed interface Routed permits Passthrough, CallFailure, LocalReply, Redirect, OutboundCall {
  /** The five outcomes, for a {@code switch}. */
  enum Kind {
    PASSTHROUGH,
    FAILURE,
    LOCAL_REPLY,
    REDIRECT,
    FORWARD
  }

  Kind kind();
}
