package io.meshlet.xds;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
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
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;

/** xDS resources shaped as istiod's proxyless generator shapes them, for reviews in namespace default. */
final class IstiodShapes {
  static final String HOST = "reviews.default.svc.cluster.local";
  static final String NAME = HOST + ":9080";

  private IstiodShapes() {}

  static Listener listener() {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName(NAME)
            .setConfigSource(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    return Listener.newBuilder().setName(NAME)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build();
  }

  /** end-user: jason to {@code jasonSubset}; everyone else 80/20 between v1 and v3. */
  static RouteConfiguration routes(String jasonSubset) {
    Route jason = Route.newBuilder().setName("jason")
        .setMatch(RouteMatch.newBuilder().setPrefix("/").addHeaders(HeaderMatcher.newBuilder().setName("end-user")
            .setStringMatch(StringMatcher.newBuilder().setExact("jason"))))
        .setRoute(RouteAction.newBuilder().setCluster(cluster(jasonSubset)))
        .build();
    Route split = Route.newBuilder().setName("split")
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(cluster("v1")).setWeight(UInt32Value.of(80)))
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(cluster("v3")).setWeight(UInt32Value.of(20)))))
        .build();
    return RouteConfiguration.newBuilder().setName(NAME)
        .addVirtualHosts(VirtualHost.newBuilder().setName(NAME)
            .addDomains(HOST).addDomains(NAME).addDomains("reviews").addDomains("reviews:9080").addDomains("reviews.default")
            .addRoutes(jason).addRoutes(split))
        .build();
  }

  static String cluster(String subset) {
    return "outbound|9080|" + subset + "|" + HOST;
  }

  static Cluster edsCluster(String subset) {
    return Cluster.newBuilder().setName(cluster(subset)).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
        .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
        .build();
  }

  static List<Cluster> clusters() {
    return List.of(edsCluster(""), edsCluster("v1"), edsCluster("v2"), edsCluster("v3"));
  }

  /** Endpoints: v1 at 10.0.0.1, v2 at 10.0.0.2, v3 at 10.0.0.3 (port 9080); the base cluster has all three. */
  static List<ClusterLoadAssignment> endpoints() {
    return List.of(
        cla("", "10.0.0.1", "10.0.0.2", "10.0.0.3"), cla("v1", "10.0.0.1"), cla("v2", "10.0.0.2"), cla("v3", "10.0.0.3"));
  }

  static ClusterLoadAssignment cla(String subset, String... ips) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (String ip : ips) {
      locality.addLbEndpoints(LbEndpoint.newBuilder().setHealthStatus(HealthStatus.HEALTHY)
          .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
              .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(9080)))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster(subset)).addEndpoints(locality).build();
  }
}
