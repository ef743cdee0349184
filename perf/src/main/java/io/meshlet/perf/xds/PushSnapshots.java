package io.meshlet.perf.xds;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
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
import java.util.List;

/** The pushed config: istiod-shaped reviews (one listener, one route, three EDS clusters) whose weighted split changes per push. */
final class PushSnapshots {
  static final String HOST = "reviews.default.svc.cluster.local";
  private static final String NAME = HOST + ":9080";

  /** Which resource types get a new version with every push. */
  enum Types {
    /** Only the RouteConfiguration (the only one whose content changes): one RDS response per client per push. */
    RDS,
    /**
     * Every type, as mesh-control-plane versions a snapshot as a whole: CDS, EDS, LDS and RDS responses per client
     * per push, three of them with unchanged content.
     */
    ALL
  }

  /** The xDS source version a client reaches when push {@code push} is applied. */
  static String expectedVersion(Types types, int push) {
    String all = Integer.toString(push);
    String others = types == Types.ALL ? all : "0";
    return "lds=" + others + ",cds=" + others + ",rds=" + all + ",eds=" + others;
  }

  static Snapshot snapshot(Types types, int push) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName(NAME).setConfigSource(ads()))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    Listener listener = Listener.newBuilder().setName(NAME).setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build();
    int v1 = 50 + push % 50;
    RouteConfiguration routes = RouteConfiguration.newBuilder().setName(NAME)
        .addVirtualHosts(VirtualHost.newBuilder().setName(NAME).addDomains(HOST).addDomains("reviews")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
                    .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(cluster("v1")).setWeight(UInt32Value.of(v1)))
                    .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(cluster("v2")).setWeight(UInt32Value.of(100 - v1)))))))
        .build();
    List<Cluster> clusters = List.of(eds(""), eds("v1"), eds("v2"));
    List<ClusterLoadAssignment> endpoints = List.of(cla("", "10.0.0.1", "10.0.0.2"), cla("v1", "10.0.0.1"), cla("v2", "10.0.0.2"));
    String v = Integer.toString(push);
    String others = types == Types.ALL ? v : "0";
    return Snapshot.create(clusters, others, endpoints, others, List.of(listener), others, List.of(routes), v, List.of(), others);
  }

  private static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();
  }

  private static String cluster(String subset) {
    return "outbound|9080|" + subset + "|" + HOST;
  }

  private static Cluster eds(String subset) {
    return Cluster.newBuilder().setName(cluster(subset)).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()))
        .build();
  }

  private static ClusterLoadAssignment cla(String subset, String... ips) {
    LocalityLbEndpoints.Builder l = LocalityLbEndpoints.newBuilder();
    for (String ip : ips) {
      l.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
          .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(9080)))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster(subset)).addEndpoints(l).build();
  }

  private PushSnapshots() {}
}
