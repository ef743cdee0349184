package io.meshlet.controlplane;

import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.type.v3.Percent;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.ConnectionPoolSettings;
import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.LocalityLbSetting;
import io.meshlet.core.model.OutlierDetection;
import io.meshlet.core.model.RetryBudget;
import io.meshlet.core.model.ServerIdentities;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.TrafficPolicy;
import org.jspecify.annotations.Nullable;

/**
 * One cluster {@code outbound|port|subset|host} with the DestinationRule's settings resolved for it
 * the way {@link TrafficPolicy#resolve} does (subset port-level, subset, host port-level, host):
 * load balancer (Istio's default LEAST_REQUEST when none), ring hash, outlier detection, circuit
 * breaker thresholds, retry budget, connect timeout, and {@code ISTIO_MUTUAL} TLS as an
 * UpstreamTlsContext.
 */
final class ClusterBuilder {
  private ClusterBuilder() {}

  /** The load balancer in force for the cluster: resolved, else Istio's default. */
  static LoadBalancerSettings loadBalancer(@Nullable TrafficPolicy subset, TrafficPolicy host, int port) {
    LoadBalancerSettings lb = TrafficPolicy.resolve(subset, host, port, TrafficPolicy::loadBalancerFor);
    return lb != null ? lb : LoadBalancerSettings.DEFAULT;
  }

  static Cluster build(String name, ServiceEntry.Resolution resolution, @Nullable TrafficPolicy subset, TrafficPolicy host,
      int port, io.envoyproxy.envoy.config.endpoint.v3.@Nullable ClusterLoadAssignment inline) {
    return build(name, resolution, subset, host, port, inline, ServerIdentities.NONE, ServerIdentities.DEFAULT_TRUST_DOMAIN);
  }

  /**
   * The cluster; for {@code ISTIO_MUTUAL} without {@code subjectAltNames}, its UpstreamTlsContext
   * matches the service's {@code identities} in {@code trustDomain}, as istiod's {@code
   * PushContext.ServiceAccounts} fills it.
   */
  static Cluster build(String name, ServiceEntry.Resolution resolution, @Nullable TrafficPolicy subset, TrafficPolicy host,
      int port, io.envoyproxy.envoy.config.endpoint.v3.@Nullable ClusterLoadAssignment inline, ServerIdentities identities,
      String trustDomain) {
    Cluster.Builder c = Cluster.newBuilder().setName(name);
    LoadBalancerSettings lb = loadBalancer(subset, host, port);
    if (resolution == ServiceEntry.Resolution.NONE || lb.simple() == LoadBalancerSettings.Simple.PASSTHROUGH) {
      return c.setType(Cluster.DiscoveryType.ORIGINAL_DST).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).build();
    }
    if (resolution == ServiceEntry.Resolution.STATIC) {
      c.setType(Cluster.DiscoveryType.EDS).setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
          .setServiceName(name)
          .setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())));
    } else {
      c.setType(Cluster.DiscoveryType.STRICT_DNS);
      if (inline != null) {
        c.setLoadAssignment(inline);
      }
    }
    if (lb.consistentHash() != null) {
      c.setLbPolicy(Cluster.LbPolicy.RING_HASH).setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder()
          .setMinimumRingSize(UInt64Value.of(lb.consistentHash().minimumRingSize())));
    } else {
      c.setLbPolicy(switch (lb.simple() == null ? LoadBalancerSettings.Simple.LEAST_REQUEST : lb.simple()) {
        case ROUND_ROBIN -> Cluster.LbPolicy.ROUND_ROBIN;
        case RANDOM -> Cluster.LbPolicy.RANDOM;
        default -> Cluster.LbPolicy.LEAST_REQUEST;
      });
    }
    OutlierDetection od = TrafficPolicy.resolve(subset, host, port, TrafficPolicy::outlierDetectionFor);
    if (od != null) {
      outlier(c, od);
    }
    LocalityLbSetting locality = lb.locality();
    if (locality.isEnabled() && !locality.distribute().isEmpty()) {
      // As istiod: with distribute, the locality weights of the assignment count.
      c.setCommonLbConfig(c.getCommonLbConfigBuilder().setLocalityWeightedLbConfig(
          Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance()));
    }
    ConnectionPoolSettings pool = TrafficPolicy.resolve(subset, host, port, TrafficPolicy::connectionPoolFor);
    RetryBudget budget = TrafficPolicy.resolve(subset, host, port, TrafficPolicy::retryBudgetFor);
    thresholds(c, pool, budget);
    if (pool != null && pool.connectTimeout() != null) {
      c.setConnectTimeout(Protos.duration(pool.connectTimeout()));
    }
    if (pool != null && pool.maxRequestsPerConnection() > 0) {
      c.setMaxRequestsPerConnection(Protos.uint32(pool.maxRequestsPerConnection()));
    }
    io.envoyproxy.envoy.config.core.v3.TransportSocket tls =
        TlsBuilder.upstream(withRegistry(TrafficPolicy.resolve(subset, host, port, TrafficPolicy::tlsFor), identities),
            trustDomain);
    if (tls != null) {
      c.setTransportSocket(tls);
    }
    return c.build();
  }

  private static @Nullable ClientTlsSettings withRegistry(@Nullable ClientTlsSettings tls, ServerIdentities identities) {
    return tls == null ? null : tls.withRegistry(identities);
  }

  /** Every check explicit (the client reads Envoy's defaults for unset ones); success-rate ejection off, as istiod writes it. */
  private static void outlier(Cluster.Builder c, OutlierDetection od) {
    io.envoyproxy.envoy.config.cluster.v3.OutlierDetection.Builder o =
        io.envoyproxy.envoy.config.cluster.v3.OutlierDetection.newBuilder()
            .setInterval(Protos.duration(od.interval()))
            .setBaseEjectionTime(Protos.duration(od.baseEjectionTime()))
            .setMaxEjectionPercent(Protos.uint32(od.maxEjectionPercent()))
            .setSplitExternalLocalOriginErrors(od.splitExternalLocalOriginErrors())
            .setEnforcingSuccessRate(Protos.uint32(0))
            .setEnforcingConsecutive5Xx(Protos.uint32(od.consecutive5xxErrors() > 0 ? 100 : 0))
            .setEnforcingConsecutiveGatewayFailure(Protos.uint32(od.consecutiveGatewayErrors() > 0 ? 100 : 0))
            .setEnforcingConsecutiveLocalOriginFailure(Protos.uint32(od.consecutiveLocalOriginFailures() > 0 ? 100 : 0));
    if (od.consecutive5xxErrors() > 0) {
      o.setConsecutive5Xx(Protos.uint32(od.consecutive5xxErrors()));
    }
    if (od.consecutiveGatewayErrors() > 0) {
      o.setConsecutiveGatewayFailure(Protos.uint32(od.consecutiveGatewayErrors()));
    }
    if (od.consecutiveLocalOriginFailures() > 0) {
      o.setConsecutiveLocalOriginFailure(Protos.uint32(od.consecutiveLocalOriginFailures()));
    }
    c.setOutlierDetection(o);
    c.setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
        .setHealthyPanicThreshold(Percent.newBuilder().setValue(od.minHealthPercent())));
  }

  /** DEFAULT-priority thresholds for the limits that are set (0 is unset in the model), and the retry budget. */
  private static void thresholds(Cluster.Builder c, @Nullable ConnectionPoolSettings pool, @Nullable RetryBudget budget) {
    CircuitBreakers.Thresholds.Builder t = CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.DEFAULT);
    boolean any = false;
    if (pool != null) {
      if (pool.maxConnections() > 0) {
        t.setMaxConnections(Protos.uint32(pool.maxConnections()));
        any = true;
      }
      if (pool.http1MaxPendingRequests() > 0) {
        t.setMaxPendingRequests(Protos.uint32(pool.http1MaxPendingRequests()));
        any = true;
      }
      if (pool.http2MaxRequests() > 0) {
        t.setMaxRequests(Protos.uint32(pool.http2MaxRequests()));
        any = true;
      }
      if (pool.maxRetries() > 0) {
        t.setMaxRetries(Protos.uint32(pool.maxRetries()));
        any = true;
      }
    }
    if (budget != null) {
      t.setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder()
          .setBudgetPercent(Percent.newBuilder().setValue(budget.percent()))
          .setMinRetryConcurrency(Protos.uint32(budget.minRetryConcurrency())));
      any = true;
    }
    if (any) {
      c.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(t));
    }
  }

}
