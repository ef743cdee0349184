package io.meshlet.core.config.istio;

import io.meshlet.core.model.RateLimitPolicy;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code RateLimit.spec} of {@code resilience.meshlet.io/v1alpha1}: {@code host} and {@code routes}
 * (client side) or {@code workloadSelector.labels} (server side, exactly one of the two), Resilience4j's
 * limiter settings, exportTo.
 */
final class RateLimitParser {
  /** When none is given: one second, so that limitForPeriod reads as calls per second (Resilience4j's own default is 500ns). */
  static final Duration DEFAULT_LIMIT_REFRESH_PERIOD = Duration.ofSeconds(1);

  private RateLimitParser() {}

  static RateLimitPolicy parse(YamlObject spec, ResourceId id, ResourceOrigin origin) {
    Map<String, String> selector = Map.of();
    YamlObject workloadSelector = spec.object("workloadSelector");
    if (workloadSelector != null) {
      selector = workloadSelector.stringMap("labels");
      if (selector.isEmpty()) {
        spec.problems().error(workloadSelector.path("labels"), "missing or empty (expected: the labels of the workloads to limit)");
      }
    }
    String host = spec.qualifiedHost("host", id.namespace(), workloadSelector == null);
    if (workloadSelector != null && host != null) {
      spec.problems().error(spec.path("host"), "host and workloadSelector given (expected: host for a client-side limit, "
          + "workloadSelector for a server-side one)");
    }
    List<String> routes = spec.names("routes");
    if (workloadSelector != null && !routes.isEmpty()) {
      spec.problems().error(spec.path("routes"), "routes and workloadSelector given (expected: routes only with host)");
    }
    Long limit = spec.integer("limitForPeriod", 1, Integer.MAX_VALUE);
    if (!spec.has("limitForPeriod")) {
      spec.problems().error(spec.path("limitForPeriod"), "missing (required)");
    }
    Duration refresh = spec.positiveDuration("limitRefreshPeriod");
    List<String> exportTo = spec.strings("exportTo");
    return new RateLimitPolicy(
        id,
        origin,
        host == null ? "" : host,
        routes,
        limit == null ? 1 : limit.intValue(),
        refresh == null ? DEFAULT_LIMIT_REFRESH_PERIOD : refresh,
        exportTo,
        spec.problems().notYetAppliedPaths(),
        selector);
  }
}
