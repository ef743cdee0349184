package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The validated JSON Web Token of a request (RequestAuthentication): Istio's {@code request.auth.*}
 * attributes. Built only for a request that carried a valid token.
 *
 * @param principal {@code <iss>/<sub>}, Istio's request principal
 * @param audiences the {@code aud} claim (one or a list)
 * @param presenter the {@code azp} claim; null when absent
 * @param claims the whole payload, as JSON objects, lists, strings, numbers and booleans
 */
public record RequestAuth(String principal, List<String> audiences, @Nullable String presenter, Map<String, Object> claims) {
  public RequestAuth {
    requireNonNull(principal, "principal");
    audiences = List.copyOf(audiences);
    claims = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
  }

  /**
   * The claim at {@code path} ({@code [groups]}, or {@code [a, b]} for the nested {@code claims[a][b]}):
   * a string, a list (of strings, as Istio matches list claims element by element) or another JSON
   * value; null when absent.
   */
  public @Nullable Object claim(List<String> path) {
    Object at = claims;
    for (String name : path) {
      if (!(at instanceof Map<?, ?> m)) {
        return null;
      }
      at = m.get(name);
    }
    return at;
  }
}
