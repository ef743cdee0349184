package io.meshlet.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** xDS resources shaped as istiod builds them for proxyless gRPC clients (bookinfo's reviews). */
final class Istiod {
  static final String REVIEWS = "reviews.default.svc.cluster.local";
  static final String BASE = "outbound|9080||" + REVIEWS;
  static final String V1 = "outbound|9080|v1|" + REVIEWS;
  static final String V2 = "outbound|9080|v2|" + REVIEWS;
  static final String V3 = "outbound|9080|v3|" + REVIEWS;
  static final String LISTENER = REVIEWS + ":9080";
  static final String ROUTES = REVIEWS + ":9080";

  private Istiod() {}

  /** The HCM istiod writes for a proxyless client: RDS over ADS, then fault and router. */
  static HttpConnectionManager hcm(String rdsName) {
    return HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName(rdsName)
            .setConfigSource(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.fault")
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
  }

  static Listener listener(String name, HttpConnectionManager hcm) {
    return Listener.newBuilder().setName(name)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }

  static Listener reviewsListener() {
    return listener(LISTENER, hcm(ROUTES));
  }

  static VirtualHost.Builder reviewsHost() {
    return VirtualHost.newBuilder().setName(REVIEWS + ":9080")
        .addAllDomains(List.of(REVIEWS, REVIEWS + ":9080", "reviews", "reviews:9080", "reviews.default",
            "reviews.default:9080", "reviews.default.svc", "reviews.default.svc:9080"));
  }

  /** jason → v2; everyone else 80/20 over v1 and v3; Istio's default retries; no timeout. */
  static RouteConfiguration reviewsRoutes() {
    return RouteConfiguration.newBuilder().setName(ROUTES)
        .addVirtualHosts(reviewsHost()
            .addRoutes(Route.newBuilder().setName("jason")
                .setMatch(RouteMatch.newBuilder().setPrefix("/")
                    .addHeaders(HeaderMatcher.newBuilder().setName("end-user")
                        .setStringMatch(StringMatcher.newBuilder().setExact("jason"))))
                .setRoute(action().setCluster(V2)))
            .addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(action().setWeightedClusters(WeightedCluster.newBuilder()
                    .addClusters(weight(V1, 80))
                    .addClusters(weight(V3, 20))))))
        .build();
  }

  /** What istiod puts on every route: timeout 0 (none) and Istio's default retry policy. */
  static RouteAction.Builder action() {
    return RouteAction.newBuilder()
        .setTimeout(Duration.getDefaultInstance())
        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
            .setMaxStreamDuration(Duration.getDefaultInstance()))
        .setRetryPolicy(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
            .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
            .setNumRetries(UInt32Value.of(2))
            .addRetriableStatusCodes(503));
  }

  /** A VirtualService {@code timeout} as istiod writes it for a proxyless node: both fields, the same value. */
  static RouteAction.Builder timeout(RouteAction.Builder action, Duration timeout) {
    return action.setTimeout(timeout)
        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(timeout));
  }

  static WeightedCluster.ClusterWeight.Builder weight(String cluster, int weight) {
    return WeightedCluster.ClusterWeight.newBuilder().setName(cluster).setWeight(UInt32Value.of(weight));
  }

  static Cluster edsCluster(String name) {
    return Cluster.newBuilder().setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName(name)
            .setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
        .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setConnectTimeout(Duration.newBuilder().setSeconds(10))
        .build();
  }

  static LbEndpoint endpoint(String ip, int port, HealthStatus health) {
    return LbEndpoint.newBuilder()
        .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
            .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))))
        .setHealthStatus(health)
        .setLoadBalancingWeight(UInt32Value.of(1))
        .build();
  }

  static ClusterLoadAssignment cla(String name, LbEndpoint... endpoints) {
    return ClusterLoadAssignment.newBuilder().setClusterName(name)
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .setLocality(Locality.newBuilder().setRegion("us-east1").setZone("us-east1-b"))
            .addAllLbEndpoints(List.of(endpoints)))
        .build();
  }

  /**
   * Reviews: v1 at 10.0.0.1, v2 at 10.0.0.2 (and 10.0.0.4, UNHEALTHY), v3 at 10.0.0.3, which only
   * the v3 subset's assignment lists.
   */
  static XdsResources reviews() {
    Map<String, Cluster> clusters = new LinkedHashMap<>();
    for (String c : List.of(BASE, V1, V2, V3)) {
      clusters.put(c, edsCluster(c));
    }
    Map<String, ClusterLoadAssignment> endpoints = new LinkedHashMap<>();
    endpoints.put(BASE, cla(BASE, endpoint("10.0.0.1", 9080, HealthStatus.HEALTHY),
        endpoint("10.0.0.2", 9080, HealthStatus.HEALTHY), endpoint("10.0.0.4", 9080, HealthStatus.UNHEALTHY)));
    endpoints.put(V1, cla(V1, endpoint("10.0.0.1", 9080, HealthStatus.HEALTHY)));
    endpoints.put(V2, cla(V2, endpoint("10.0.0.2", 9080, HealthStatus.UNKNOWN),
        endpoint("10.0.0.4", 9080, HealthStatus.UNHEALTHY)));
    endpoints.put(V3, cla(V3, endpoint("10.0.0.3", 9080, HealthStatus.HEALTHY)));
    return new XdsResources(Map.of(LISTENER, reviewsListener()), Map.of(ROUTES, reviewsRoutes()), clusters, endpoints);
  }

  static XdsResources with(XdsResources r, Map<String, Listener> listeners, Map<String, RouteConfiguration> routes) {
    Map<String, Listener> l = new LinkedHashMap<>(r.listeners());
    l.putAll(listeners);
    Map<String, RouteConfiguration> rc = new LinkedHashMap<>(r.routes());
    rc.putAll(routes);
    return new XdsResources(l, rc, r.clusters(), r.endpoints());
  }

  static BoolValue no() {
    return BoolValue.of(false);
  }
}
