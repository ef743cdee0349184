package io.meshlet.core.model;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code CorsPolicy} of one {@code http[]} rule, applied as Envoy's CORS filter applies it.
 *
 * @param allowOrigins the origins allowed ({@code allowOrigins}, and the deprecated {@code allowOrigin}
 *     as exact matches); a match that accepts {@code *} allows every origin
 * @param allowMethods {@code Access-Control-Allow-Methods}, joined with {@code ,}; {@code *} echoes the preflight's method
 * @param allowHeaders {@code Access-Control-Allow-Headers}; {@code *} echoes the preflight's headers
 * @param exposeHeaders {@code Access-Control-Expose-Headers} on actual responses
 * @param maxAge {@code Access-Control-Max-Age} in seconds, or null for none
 * @param allowCredentials whether {@code Access-Control-Allow-Credentials: true} is sent
 * @param forwardUnmatchedPreflights {@code unmatchedPreflights}: true ({@code FORWARD}, the default)
 *     passes a preflight from an origin not allowed to the application; false ({@code IGNORE})
 *     answers it here with 200 and no CORS headers
 */
public record CorsPolicy(
    List<StringMatch> allowOrigins,
    List<String> allowMethods,
    List<String> allowHeaders,
    List<String> exposeHeaders,
    @Nullable Duration maxAge,
    boolean allowCredentials,
    boolean forwardUnmatchedPreflights) {
  public CorsPolicy {
    allowOrigins = List.copyOf(allowOrigins);
    allowMethods = List.copyOf(allowMethods);
    allowHeaders = List.copyOf(allowHeaders);
    exposeHeaders = List.copyOf(exposeHeaders);
  }
}
