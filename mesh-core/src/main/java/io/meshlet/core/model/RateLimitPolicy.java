package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * Meshlet's {@code RateLimit} kind ({@code resilience.meshlet.io/v1alpha1}): a local rate limit on
 * calls to {@code host}, all of them or only those matched by the listed {@code http[]} rule names
 * of the VirtualService that routes it. One bucket per resource: at most {@code limitForPeriod}
 * calls start in each {@code limitRefreshPeriod} (Resilience4j's RateLimiter); a call over the
 * limit is answered 429 with response flag {@code RL}. Istio has no such kind (Envoy's
 * local_ratelimit filter comes through xDS).
 */
public record RateLimitPolicy(
    ResourceId id,
    ResourceOrigin origin,
    String host,
    List<String> routes,
    int limitForPeriod,
    Duration limitRefreshPeriod,
    List<String> exportTo,
    List<String> notYetApplied)
    implements MeshResource {

  public RateLimitPolicy {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    requireNonNull(host, "host");
    routes = List.copyOf(routes);
    requireNonNull(limitRefreshPeriod, "limitRefreshPeriod");
    exportTo = List.copyOf(exportTo);
    notYetApplied = List.copyOf(notYetApplied);
  }

  /** True if calls matched by the rule named {@code routeName} (null: unnamed or default route) are limited. */
  public boolean covers(@org.jspecify.annotations.Nullable String routeName) {
    return routes.isEmpty() || (routeName != null && routes.contains(routeName));
  }
}
