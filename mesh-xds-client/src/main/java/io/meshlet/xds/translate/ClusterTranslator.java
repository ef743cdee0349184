package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.ConnectionPoolSettings;
import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.PortTrafficPolicy;
import io.meshlet.core.model.RetryBudget;
import io.meshlet.core.model.ServiceEntry;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One Cluster: the host, port and subset its name stands for, how its endpoints are found, and its
 * settings as a port-level traffic policy.
 */
final class ClusterTranslator {
  /** Envoy's default {@code healthy_panic_threshold}: 50 %. */
  static final int DEFAULT_HEALTHY_PANIC_THRESHOLD = 50;

  private ClusterTranslator() {}

  /**
   * @param edsName the ClusterLoadAssignment to read for an EDS cluster, else null
   * @param inlineEndpoints the inline load_assignment of a STATIC or DNS cluster, else null
   */
  record ClusterInfo(
      String name,
      ClusterNames.Parsed target,
      ServiceEntry.Resolution resolution,
      PortTrafficPolicy policy,
      @Nullable String edsName,
      @Nullable ClusterLoadAssignment inlineEndpoints,
      boolean localityWeighted) {}

  /**
   * @param hashes the routes' hash policies by cluster name, for RING_HASH and MAGLEV clusters
   * @return the cluster, or null when it is left out (with an error) or not for clients (with a warning)
   */
  static @Nullable ClusterInfo translate(Cluster c, Map<String, List<ConsistentHash>> hashes, Problems problems) {
    if (ClusterNames.isInbound(c.getName())) {
      problems.ignored("name", "an inbound cluster serves this workload's own server, not its calls");
      return null;
    }
    ClusterNames.Parsed target = ClusterNames.parse(c.getName());
    if (target == null) {
      problems.error("name", "'" + c.getName() + "' (expected: " + ClusterNames.EXPECTED + ", or a name without '|')");
      return null;
    }
    ServiceEntry.Resolution resolution = ServiceEntry.Resolution.STATIC;
    String eds = null;
    ClusterLoadAssignment inline = null;
    if (c.hasClusterType()) {
      problems.error("cluster_type.name", "'" + c.getClusterType().getName() + "' (expected: type EDS, STATIC, STRICT_DNS, LOGICAL_DNS or ORIGINAL_DST)");
      return null;
    }
    switch (c.getType()) {
      case EDS:
        eds = edsName(c);
        break;
      case STATIC:
        inline = c.getLoadAssignment();
        break;
      case STRICT_DNS:
      case LOGICAL_DNS:
        resolution = ServiceEntry.Resolution.DNS;
        inline = c.getLoadAssignment();
        if (inline.getEndpointsCount() == 0) {
          // The names to resolve are the load assignment's: without one there is nothing to call
          // (and no port to call it on).
          problems.error("load_assignment", "missing for " + c.getType() + " cluster " + c.getName()
              + " (expected: load_assignment with the endpoints to resolve)");
          return null;
        }
        break;
      case ORIGINAL_DST:
        resolution = ServiceEntry.Resolution.NONE;
        break;
      default:
        problems.error("type", c.getType() + " (expected: EDS, STATIC, STRICT_DNS, LOGICAL_DNS or ORIGINAL_DST)");
        return null;
    }
    LoadBalancerSettings lb = loadBalancer(c, hashes.getOrDefault(c.getName(), List.of()), problems);
    io.meshlet.core.model.OutlierDetection outlier = c.hasOutlierDetection() ? outlier(c, problems) : null;
    ConnectionPoolSettings pool = connectionPool(c, problems);
    RetryBudget budget = retryBudget(c);
    ClientTlsSettings tls = null;
    if (c.hasTransportSocket()) {
      tls = TlsTranslator.upstream(c.getTransportSocket(), "transport_socket", problems);
      if (tls == null) {
        return null;
      }
    }
    if (c.getTransportSocketMatchesCount() > 0) {
      problems.ignored("transport_socket_matches", "Meshlet reads transport_socket");
    }
    if (c.getHealthChecksCount() > 0) {
      problems.ignored("health_checks", "active health checks are not applied by Meshlet");
    }
    if (c.hasLbSubsetConfig()) {
      problems.ignored("lb_subset_config", "Meshlet selects subsets through Istio's subset clusters");
    }
    if (c.getCommonLbConfig().hasZoneAwareLbConfig()) {
      problems.ignored("common_lb_config.zone_aware_lb_config", "Meshlet follows EDS priorities and locality weights, not zone-aware routing");
    }
    // Locality weights count only with locality_weighted_lb_config, as in Envoy.
    return new ClusterInfo(c.getName(), target, resolution,
        new PortTrafficPolicy(target.port(), lb, pool, outlier, budget, tls), eds, inline,
        c.getCommonLbConfig().hasLocalityWeightedLbConfig());
  }

  /** The ClusterLoadAssignment name of an EDS cluster: {@code eds_cluster_config.service_name}, else the cluster name. */
  static String edsName(Cluster c) {
    String service = c.getEdsClusterConfig().getServiceName();
    return service.isEmpty() ? c.getName() : service;
  }

  private static @Nullable LoadBalancerSettings loadBalancer(Cluster c, List<ConsistentHash> hashes, Problems problems) {
    if (c.hasLoadBalancingPolicy()) {
      problems.ignored("load_balancing_policy", "Meshlet reads lb_policy");
    }
    switch (c.getLbPolicy()) {
      case ROUND_ROBIN:
        return new LoadBalancerSettings(LoadBalancerSettings.Simple.ROUND_ROBIN, null);
      case LEAST_REQUEST:
        return new LoadBalancerSettings(LoadBalancerSettings.Simple.LEAST_REQUEST, null);
      case RANDOM:
        return new LoadBalancerSettings(LoadBalancerSettings.Simple.RANDOM, null);
      case RING_HASH:
      case MAGLEV:
        return hash(c, hashes, problems);
      case CLUSTER_PROVIDED:
        return c.getType() == Cluster.DiscoveryType.ORIGINAL_DST
            ? new LoadBalancerSettings(LoadBalancerSettings.Simple.PASSTHROUGH, null)
            : null;
      default:
        problems.ignored("lb_policy", c.getLbPolicy() + " is not supported; Meshlet's default load balancer is used");
        return null;
    }
  }

  /** Ring hash on the key the routes to this cluster hash on; without exactly one such key, RANDOM as Envoy would. */
  private static LoadBalancerSettings hash(Cluster c, List<ConsistentHash> hashes, Problems problems) {
    long ring = c.hasRingHashLbConfig() && c.getRingHashLbConfig().hasMinimumRingSize()
        ? c.getRingHashLbConfig().getMinimumRingSize().getValue()
        : ConsistentHash.DEFAULT_MINIMUM_RING_SIZE;
    if (c.getLbPolicy() == Cluster.LbPolicy.MAGLEV) {
      problems.warning("lb_policy", "MAGLEV is computed as a ring hash");
    }
    Set<ConsistentHash> keys = new LinkedHashSet<>(hashes);
    if (keys.size() != 1) {
      problems.warning("lb_policy", c.getLbPolicy() + ": " + (keys.isEmpty() ? "no route to this cluster has a hash_policy"
          : "routes to this cluster hash on " + keys.size() + " different keys")
          + " (expected: exactly one key, which the model keeps on the cluster); requests are spread at random");
      return new LoadBalancerSettings(LoadBalancerSettings.Simple.RANDOM, null);
    }
    ConsistentHash key = keys.iterator().next();
    return new LoadBalancerSettings(null, new ConsistentHash(key.on(), key.key(), ring));
  }

  /**
   * Envoy's outlier detection with Envoy's defaults: a check counts when its {@code enforcing_*}
   * percentage is above 0 (5xx and local-origin default to 100, gateway errors to 0). Panic below
   * {@code common_lb_config.healthy_panic_threshold} (Envoy's default 50 %).
   */
  private static io.meshlet.core.model.@Nullable OutlierDetection outlier(Cluster c, Problems problems) {
    io.envoyproxy.envoy.config.cluster.v3.OutlierDetection o = c.getOutlierDetection();
    String p = "outlier_detection";
    int enforce5xx = o.hasEnforcingConsecutive5Xx() ? o.getEnforcingConsecutive5Xx().getValue() : 100;
    int enforceGateway = o.hasEnforcingConsecutiveGatewayFailure() ? o.getEnforcingConsecutiveGatewayFailure().getValue() : 0;
    int enforceLocal = o.hasEnforcingConsecutiveLocalOriginFailure()
        ? o.getEnforcingConsecutiveLocalOriginFailure().getValue() : 100;
    for (int e : new int[] {enforce5xx, enforceGateway, enforceLocal}) {
      if (e > 0 && e < 100) {
        problems.warning(p, "an enforcing percentage of " + e + " is applied as 100 (Meshlet ejects always or never)");
        break;
      }
    }
    int successRate = o.hasEnforcingSuccessRate() ? o.getEnforcingSuccessRate().getValue() : 100;
    if (successRate > 0) {
      problems.ignored(p + ".enforcing_success_rate", successRate + ": success-rate ejection is not applied by Meshlet (set it to 0)");
    }
    if (o.hasEnforcingFailurePercentage() && o.getEnforcingFailurePercentage().getValue() > 0) {
      problems.ignored(p + ".enforcing_failure_percentage", "failure-percentage ejection is not applied by Meshlet");
    }
    int consecutive5xx = o.hasConsecutive5Xx() ? o.getConsecutive5Xx().getValue() : 5;
    int gateway = o.hasConsecutiveGatewayFailure() ? o.getConsecutiveGatewayFailure().getValue() : 5;
    int local = o.hasConsecutiveLocalOriginFailure() ? o.getConsecutiveLocalOriginFailure().getValue() : 5;
    Duration interval = o.hasInterval()
        ? Protos.duration(o.getInterval(), p + ".interval", problems) : io.meshlet.core.model.OutlierDetection.DEFAULT_INTERVAL;
    Duration base = o.hasBaseEjectionTime()
        ? Protos.duration(o.getBaseEjectionTime(), p + ".base_ejection_time", problems)
        : io.meshlet.core.model.OutlierDetection.DEFAULT_BASE_EJECTION_TIME;
    if (interval == null || base == null) {
      return null;
    }
    int maxEjection = o.hasMaxEjectionPercent()
        ? Math.min(100, o.getMaxEjectionPercent().getValue()) : io.meshlet.core.model.OutlierDetection.DEFAULT_MAX_EJECTION_PERCENT;
    int minHealth = c.getCommonLbConfig().hasHealthyPanicThreshold()
        ? (int) Math.round(c.getCommonLbConfig().getHealthyPanicThreshold().getValue())
        : DEFAULT_HEALTHY_PANIC_THRESHOLD;
    return new io.meshlet.core.model.OutlierDetection(
        enforce5xx > 0 ? consecutive5xx : 0,
        enforceGateway > 0 ? gateway : 0,
        enforceLocal > 0 ? local : 0,
        o.getSplitExternalLocalOriginErrors(),
        interval,
        base,
        maxEjection,
        minHealth);
  }

  /**
   * The DEFAULT-priority circuit breaker thresholds and {@code connect_timeout}; null when neither is
   * set. An unset threshold is unlimited, not Envoy's 1024 (or 3 retries).
   */
  private static @Nullable ConnectionPoolSettings connectionPool(Cluster c, Problems problems) {
    CircuitBreakers.Thresholds t = defaultThresholds(c, problems);
    Duration connect = c.hasConnectTimeout() ? Protos.duration(c.getConnectTimeout(), "connect_timeout", problems) : null;
    if (connect != null && connect.isZero()) {
      connect = null;
    }
    int perConnection = c.hasMaxRequestsPerConnection() ? Protos.uint32(c.getMaxRequestsPerConnection().getValue()) : 0;
    if (t == null && connect == null && perConnection == 0) {
      return null;
    }
    return new ConnectionPoolSettings(
        t != null && t.hasMaxConnections() ? Protos.uint32(t.getMaxConnections().getValue()) : 0,
        connect,
        t != null && t.hasMaxPendingRequests() ? Protos.uint32(t.getMaxPendingRequests().getValue()) : 0,
        t != null && t.hasMaxRequests() ? Protos.uint32(t.getMaxRequests().getValue()) : 0,
        perConnection,
        t != null && t.hasMaxRetries() ? Protos.uint32(t.getMaxRetries().getValue()) : 0,
        null);
  }

  private static @Nullable RetryBudget retryBudget(Cluster c) {
    CircuitBreakers.Thresholds t = defaultThresholds(c, null);
    if (t == null || !t.hasRetryBudget()) {
      return null;
    }
    CircuitBreakers.Thresholds.RetryBudget b = t.getRetryBudget();
    return new RetryBudget(
        b.hasBudgetPercent() ? b.getBudgetPercent().getValue() : RetryBudget.DEFAULT.percent(),
        b.hasMinRetryConcurrency() ? Protos.uint32(b.getMinRetryConcurrency().getValue()) : RetryBudget.DEFAULT.minRetryConcurrency());
  }

  private static CircuitBreakers.@Nullable Thresholds defaultThresholds(Cluster c, @Nullable Problems problems) {
    CircuitBreakers.Thresholds found = null;
    List<CircuitBreakers.Thresholds> all = c.getCircuitBreakers().getThresholdsList();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).getPriority() == RoutingPriority.DEFAULT && found == null) {
        found = all.get(i);
      } else if (problems != null) {
        problems.ignored("circuit_breakers.thresholds[" + i + "]", "only the first DEFAULT priority thresholds are applied");
      }
    }
    return found;
  }
}
