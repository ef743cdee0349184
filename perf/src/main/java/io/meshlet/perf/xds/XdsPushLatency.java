package io.meshlet.perf.xds;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
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
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.xds.XdsConfigSource;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Config push to applied, for N clients on one control plane: java-control-plane's V3DiscoveryServer
 * (what mesh-control-plane serves with) pushes a new weighted split to N connected Meshlet xDS
 * clients; for each push, the time from setSnapshot to each client's translated update is recorded.
 *
 * <pre>java -cp perf/target/benchmarks.jar io.meshlet.perf.xds.XdsPushLatency [clients=100] [pushes=30]</pre>
 */
public final class XdsPushLatency {
  private static final String HOST = "reviews.default.svc.cluster.local";
  private static final String NAME = HOST + ":9080";

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int pushes = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    SimpleCache<String> cache = new SimpleCache<>(node -> "all");
    cache.setSnapshot("all", snapshot(0));
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl()).build().start();
    String target = "127.0.0.1:" + server.getPort();

    ConcurrentHashMap<String, Long> arrivals = new ConcurrentHashMap<>();
    List<XdsConfigSource> sources = new ArrayList<>();
    CountDownLatch connected = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      int id = c;
      XdsConfigSource s = XdsConfigSource.builder().target(target).nodeId("client-" + c).namespace("default").build();
      s.start(new ConfigSink() {
        @Override
        public void accept(SourceUpdate update) {
          if (update.version().contains("rds=0")) {
            connected.countDown();
          }
          arrivals.putIfAbsent(id + "@" + update.version(), System.nanoTime());
        }

        @Override
        public void sourceFailed(String source, String reason) {}
      });
      sources.add(s);
    }
    if (!connected.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("not every client connected: " + connected.getCount() + " missing");
    }
    List<Long> latencies = new ArrayList<>();
    for (int p = 1; p <= pushes; p++) {
      String rds = "rds=" + p;
      long start = System.nanoTime();
      cache.setSnapshot("all", snapshot(p));
      long deadline = start + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        int done = 0;
        for (int c = 0; c < clients; c++) {
          if (arrived(arrivals, c, rds)) {
            done++;
          }
        }
        if (done == clients) {
          break;
        }
        Thread.sleep(1);
      }
      for (int c = 0; c < clients; c++) {
        Long t = arrivalOf(arrivals, c, rds);
        latencies.add(t == null ? Long.MAX_VALUE : t - start);
      }
      Thread.sleep(100);
    }
    Collections.sort(latencies);
    long lost = latencies.stream().filter(l -> l == Long.MAX_VALUE).count();
    System.out.printf(Locale.ROOT, "clients=%d pushes=%d updates=%d lost=%d%n", clients, pushes, latencies.size(), lost);
    System.out.printf(Locale.ROOT, "push to applied: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        ms(latencies, 0.50), ms(latencies, 0.90), ms(latencies, 0.99), ms(latencies, 1.0));
    for (XdsConfigSource s : sources) {
      s.close();
    }
    server.shutdownNow();
  }

  private static boolean arrived(ConcurrentHashMap<String, Long> arrivals, int client, String rds) {
    return arrivalOf(arrivals, client, rds) != null;
  }

  private static Long arrivalOf(ConcurrentHashMap<String, Long> arrivals, int client, String rds) {
    String prefix = client + "@";
    for (var e : arrivals.entrySet()) {
      if (e.getKey().startsWith(prefix) && e.getKey().contains(rds + ",")) {
        return e.getValue();
      }
    }
    return null;
  }

  private static double ms(List<Long> sorted, double q) {
    int i = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
    long v = sorted.get(Math.max(0, i));
    return v == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : v / 1e6;
  }

  /** istiod-shaped reviews with a split that changes with every push; every resource versioned by the push. */
  private static Snapshot snapshot(int push) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName(NAME).setConfigSource(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
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
    return Snapshot.create(clusters, "0", endpoints, "0", List.of(listener), "0", List.of(routes), v, List.of(), "0");
  }

  private static String cluster(String subset) {
    return "outbound|9080|" + subset + "|" + HOST;
  }

  private static Cluster eds(String subset) {
    return Cluster.newBuilder().setName(cluster(subset)).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
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

  private XdsPushLatency() {}
}
