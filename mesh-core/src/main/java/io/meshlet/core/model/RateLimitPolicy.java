package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Meshlet's {@code RateLimit} kind ({@code resilience.meshlet.io/v1alpha1}): a local rate limit on
 * calls to {@code host}, all of them or only those matched by the listed {@code http[]} rule names
 * of the VirtualService that routes it (client side); or, with a {@code workloadSelector}, on the
 * calls the selected workloads receive (server side). A limit without a host is server side too and
 * covers every workload of its namespace that holds it (xDS: the local_ratelimit filter of this
 * workload's own inbound listener). One bucket per resource: at most {@code limitForPeriod}
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
    List<String> notYetApplied,
    Map<String, String> workloadSelector)
    implements MeshResource {

  /** A client-side limit. */
  public RateLimitPolicy(
      ResourceId id, ResourceOrigin origin, String host, List<String> routes, int limitForPeriod,
      Duration limitRefreshPeriod, List<String> exportTo, List<String> notYetApplied) {
    this(id, origin, host, routes, limitForPeriod, limitRefreshPeriod, exportTo, notYetApplied, Map.of());
  }

  /** True for a server-side limit: one with a workload selector, or without a host. */
  public boolean serverSide() {
    return !workloadSelector.isEmpty() || host.isEmpty();
  }

  /** True if this server-side limit selects a workload with {@code labels} (an empty selector selects every one). */
  public boolean selects(Map<String, String> labels) {
    return serverSide() && Labels.matches(workloadSelector, labels);
  }

  public RateLimitPolicy {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    requireNonNull(host, "host");
    routes = List.copyOf(routes);
    requireNonNull(limitRefreshPeriod, "limitRefreshPeriod");
    exportTo = List.copyOf(exportTo);
    notYetApplied = List.copyOf(notYetApplied);
    workloadSelector = Map.copyOf(workloadSelector);
  }

  /** True if calls matched by the rule named {@code routeName} (null: unnamed or default route) are limited. */
  public boolean covers(@org.jspecify.annotations.Nullable String routeName) {
    return routes.isEmpty() || (routeName != null && routes.contains(routeName));
  }
}
