package io.meshlet.core.security;

import io.meshlet.core.model.Headers;
import io.meshlet.core.model.ResourceId;
import org.jspecify.annotations.Nullable;

/**
 * What RequestAuthentication made of one call ({@link JwtAuthenticator#authenticate}): no token (the
 * call goes on without a request principal), a valid one (its attributes, and the request header
 * changes its rule asks for), or a refused one (401 with Envoy's body).
 *
 * @param failure why the token was refused, as Envoy's body says it; null unless refused
 * @param source the RequestAuthentication that refused or accepted it; null without a token
 * @param requestHeaders the changes the application sees: the token's header removed unless {@code
 *     forwardOriginalToken}, {@code outputPayloadToHeader}, {@code outputClaimToHeaders}
 */
public record JwtResult(@Nullable RequestAuth auth, @Nullable String failure, @Nullable ResourceId source,
    Headers requestHeaders) {
  /** No token: nothing to check. */
  public static final JwtResult NO_TOKEN = new JwtResult(null, null, null, Headers.NONE);

  /** True when the call must be answered 401 {@link #failure()}. */
  public boolean refused() {
    return failure != null;
  }

  /** {@code call} as authorization sees it: with {@code request.auth.*} after a valid token, else unchanged (no allocation). */
  public InboundRequest applyTo(InboundRequest call) {
    return auth == null ? call : new AuthenticatedRequest(call, auth);
  }
}
