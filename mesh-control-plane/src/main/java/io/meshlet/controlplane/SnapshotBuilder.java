package io.meshlet.controlplane;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.meshlet.core.config.ClusterName;
import io.meshlet.core.config.HostNames;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.Destination;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.routing.DestinationRules;
import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.routing.VirtualServiceDelegation;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.core.model.ServerIdentities;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.ServicePort;
import io.meshlet.core.model.Subset;
import io.meshlet.core.model.TrafficPolicy;
import io.meshlet.core.model.Sidecar;
import io.meshlet.core.model.Workload;
import io.meshlet.core.model.WorkloadEndpoint;
import io.meshlet.core.model.WorkloadSelection;
import io.meshlet.core.model.VirtualService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Envoy resources one node group gets for a {@link MeshConfig}, shaped as istiod's proxyless
 * generator shapes them: per ServiceEntry host and port a Listener and a RouteConfiguration named
 * {@code host:port}, per host, port and DestinationRule subset a Cluster {@code
 * outbound|port|subset|host}, a ClusterLoadAssignment per EDS cluster, and the inbound listener of
 * each server listener the node names ({@link InboundBuilder}). Pure: the same config and node give
 * the same resources.
 *
 * <p>What applies to the node is decided as Meshlet's route table compiler decides it: {@code
 * exportTo} against the node's namespace, VirtualServices for gateways only left out, match blocks
 * whose {@code sourceLabels}/{@code sourceNamespace}/{@code gateways} cannot select the node dropped,
 * the first ServiceEntry and VirtualService of a host winning, the DestinationRule chosen exact
 * host first (the node's namespace first), then the most specific wildcard.
 */
final class SnapshotBuilder {
  /** One node group's resources, and what of the config they leave out (each also logged as a warning). */
  record Resources(List<Listener> listeners, List<RouteConfiguration> routes, List<Cluster> clusters,
      List<ClusterLoadAssignment> endpoints, List<String> warnings) {
    Resources {
      listeners = List.copyOf(listeners);
      routes = List.copyOf(routes);
      clusters = List.copyOf(clusters);
      endpoints = List.copyOf(endpoints);
      warnings = List.copyOf(warnings);
    }
  }

  private static final Logger logger = LoggerFactory.getLogger(SnapshotBuilder.class);
  static final String ROUTER_FILTER = "envoy.filters.http.router";

  private final MeshConfig config;
  private final NodeKey node;
  private final String rootNamespace;
  /** The mesh's trust domain (istiod's {@code meshConfig.trustDomain}): service accounts become SPIFFE ids in it. */
  private final String trustDomain;
  private final Map<String, ServiceEntry> services = new LinkedHashMap<>();
  private final Map<String, ConsistentHash> hashes = new HashMap<>();
  private final List<String> warnings = new ArrayList<>();
  private final Map<ServiceEntry, List<WorkloadEndpoint>> selections = new java.util.IdentityHashMap<>();

  private SnapshotBuilder(MeshConfig config, NodeKey node, String rootNamespace, String trustDomain) {
    this.config = config;
    this.node = node;
    this.rootNamespace = rootNamespace;
    this.trustDomain = trustDomain;
  }

  /** {@link #build(MeshConfig, NodeKey, String)} with Istio's default root namespace. */
  static Resources build(MeshConfig config, NodeKey node) {
    return build(config, node, InboundPolicies.DEFAULT_ROOT_NAMESPACE);
  }

  /** The resources for {@code node}; {@code rootNamespace} holds the mesh-wide security policies. */
  static Resources build(MeshConfig config, NodeKey node, String rootNamespace) {
    return build(config, node, rootNamespace, ServerIdentities.DEFAULT_TRUST_DOMAIN);
  }

  /** As {@link #build(MeshConfig, NodeKey, String)}, service accounts expected in {@code trustDomain}. */
  static Resources build(MeshConfig config, NodeKey node, String rootNamespace, String trustDomain) {
    requireNonNull(config, "config");
    requireNonNull(node, "node");
    requireNonNull(rootNamespace, "rootNamespace");
    requireNonNull(trustDomain, "trustDomain");
    // Delegation is resolved first, as istiod merges delegates into their roots before it generates anything.
    return new SnapshotBuilder(VirtualServiceDelegation.resolve(config).config(), node, rootNamespace, trustDomain).run();
  }

  private Resources run() {
    // As istiod scopes a proxy's push by its Sidecar: services outside its egress hosts are not served.
    Sidecar sidecar = Sidecar.forWorkload(config.sidecars(), node.namespace(), node.labels(), rootNamespace);
    for (ServiceEntry se : config.serviceEntries()) {
      if (se.visibleTo(node.namespace())) {
        for (String host : se.hosts()) {
          if (!HostNames.isWildcard(host) && Sidecar.inScope(sidecar, host, se.id().namespace())) {
            services.putIfAbsent(host, se);
          }
        }
      }
    }
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    for (Map.Entry<String, ServiceEntry> e : services.entrySet()) {
      clusters(e.getKey(), e.getValue(), clusters, endpoints);
    }
    Map<String, VirtualService> vsByHost = virtualServicesByHost();
    RouteBuilder routeBuilder = new RouteBuilder(node, new RouteBuilder.Targets() {
      @Override
      public String cluster(Destination d, int listenerPort) {
        return ClusterName.format(d.host(), port(d, listenerPort), d.subset());
      }

      @Override
      public @Nullable ConsistentHash hash(String cluster) {
        return hashes.get(cluster);
      }
    });
    List<Listener> listeners = new ArrayList<>();
    List<RouteConfiguration> routes = new ArrayList<>();
    for (Map.Entry<String, ServiceEntry> e : services.entrySet()) {
      String host = e.getKey();
      VirtualService vs = vsByHost.get(host);
      if (vs == null) {
        vs = mostSpecificWildcard(vsByHost, host);
      }
      for (ServicePort p : e.getValue().ports()) {
        RouteBuilder.Built built = routeBuilder.build(host, p.number(), vs);
        routes.add(built.routes());
        listeners.add(listener(Names.listener(host, p.number()), built.fault(), built.cors()));
      }
    }
    for (String name : node.serverListeners()) {
      Listener inbound = InboundBuilder.build(name, config, node, rootNamespace);
      if (inbound != null) {
        listeners.add(inbound);
      }
    }
    return new Resources(listeners, routes, clusters, endpoints, warnings);
  }

  /** The port of {@code d}: its own, else the listener's if the service has it, else the service's only port. */
  private int port(Destination d, int listenerPort) {
    if (d.port() > 0) {
      return d.port();
    }
    ServiceEntry se = services.get(d.host());
    if (se == null) {
      return listenerPort;
    }
    for (ServicePort p : se.ports()) {
      if (p.number() == listenerPort) {
        return listenerPort;
      }
    }
    return se.ports().size() == 1 ? se.ports().get(0).number() : listenerPort;
  }

  /**
   * A DNS ServiceEntry for one of gRPC's own clients: served as istiod serves it to them, EDS
   * clusters without endpoints. gRPC NACKs STRICT_DNS ("unsupported built-in discovery type"), its
   * EDS takes IP addresses only ("Address is not an IP"), and istiod resolves no names for it; nor
   * does this control plane (a lookup would block the control thread, and the answer would be the
   * control plane's view of DNS, not the client's). Meshlet's client still gets STRICT_DNS with the
   * names, which it resolves when it connects.
   */
  private boolean unresolvedForGrpc(ServiceEntry se) {
    return node.proxylessGrpc()
        && (se.resolution() == ServiceEntry.Resolution.DNS || se.resolution() == ServiceEntry.Resolution.DNS_ROUND_ROBIN);
  }

  private void clusters(String host, ServiceEntry se, List<Cluster> clusters, List<ClusterLoadAssignment> endpoints) {
    if (unresolvedForGrpc(se)) {
      String w = "ServiceEntry " + se.id().namespace() + "/" + se.id().name() + ": resolution " + se.resolution()
          + " is served to gRPC's proxyless clients as istiod serves it, EDS clusters without endpoints (no names are "
          + "resolved for them): their calls to " + host + " fail UNAVAILABLE (expected: resolution STATIC with IP "
          + "endpoints for gRPC's clients; Meshlet's client resolves the names itself)";
      logger.warn(w);
      warnings.add(w);
    }
    DestinationRule dr = destinationRuleFor(host);
    TrafficPolicy hostPolicy = dr == null ? TrafficPolicy.NONE : dr.trafficPolicy();
    List<Subset> subsets = dr == null ? List.of() : dr.subsets();
    for (ServicePort port : se.ports()) {
      cluster(host, se, port, null, dr, hostPolicy, clusters, endpoints);
      for (Subset s : subsets) {
        cluster(host, se, port, s, dr, hostPolicy, clusters, endpoints);
      }
    }
  }

  private void cluster(String host, ServiceEntry se, ServicePort port, @Nullable Subset subset, @Nullable DestinationRule dr,
      TrafficPolicy hostPolicy, List<Cluster> clusters, List<ClusterLoadAssignment> endpoints) {
    String name = ClusterName.format(host, port.number(), subset == null ? null : subset.name());
    TrafficPolicy subsetPolicy = subset == null ? null : subset.trafficPolicy();
    LoadBalancerSettings lb = ClusterBuilder.loadBalancer(subsetPolicy, hostPolicy, port.number());
    if (lb.consistentHash() != null) {
      hashes.put(name, lb.consistentHash());
    }
    ClusterLoadAssignment cla;
    ServiceEntry.Resolution served = se.resolution();
    if (unresolvedForGrpc(se)) {
      // istiod's grpcgen serves every cluster as EDS, and its EDS builder gives a DNS service no
      // endpoints (EndpointBuilder.findShards skips DNS clusters; non-IP addresses are filtered too).
      served = ServiceEntry.Resolution.STATIC;
      cla = ClusterLoadAssignment.newBuilder().setClusterName(name).build();
    } else {
      boolean outlier = TrafficPolicy.resolve(subsetPolicy, hostPolicy, port.number(), TrafficPolicy::outlierDetectionFor) != null;
      cla = EndpointBuilder.build(name, host, se, endpointsOf(se), port, subset, lb.locality(), outlier,
          new Workload("", node.namespace(), node.labels(), "", node.locality()));
    }
    Cluster cluster = ClusterBuilder.build(name, served, subsetPolicy, hostPolicy, port.number(), cla,
        ServerIdentities.of(se, endpointsOf(se)), trustDomain);
    ClientTlsSettings tls = TrafficPolicy.resolve(subsetPolicy, hostPolicy, port.number(), TrafficPolicy::tlsFor);
    if (dr != null && tls != null && (tls.mode() == ClientTlsSettings.Mode.SIMPLE || tls.mode() == ClientTlsSettings.Mode.MUTUAL)) {
      String w = "DestinationRule " + dr.id().namespace() + "/" + dr.id().name() + ": tls mode " + tls.mode() + " for cluster "
          + name + " is not served (its files would be the control plane's, not the client's); the client calls it in "
          + "plaintext (expected: ISTIO_MUTUAL or DISABLE)";
      logger.warn(w);
      warnings.add(w);
    }
    clusters.add(cluster);
    if (cluster.getType() == Cluster.DiscoveryType.EDS) {
      endpoints.add(cla);
    }
  }

  /** The ServiceEntry's endpoints, its WorkloadEntries' with a workloadSelector (selected once per build, left-outs warned). */
  private List<WorkloadEndpoint> endpointsOf(ServiceEntry se) {
    return selections.computeIfAbsent(se, s -> {
      WorkloadSelection.Selected selected = WorkloadSelection.of(s, config.workloadEntries());
      for (String why : selected.leftOut()) {
        String w = "ServiceEntry " + s.id().namespace() + "/" + s.id().name() + ": " + why;
        logger.warn(w);
        warnings.add(w);
      }
      return selected.endpoints();
    });
  }

  private @Nullable DestinationRule destinationRuleFor(String host) {
    return DestinationRules.forHost(config, host, node.namespace());
  }

  private Map<String, VirtualService> virtualServicesByHost() {
    Map<String, VirtualService> byHost = new LinkedHashMap<>();
    for (VirtualService vs : config.virtualServices()) {
      if (vs.visibleTo(node.namespace()) && vs.appliesToMesh()) {
        for (String host : vs.hosts()) {
          byHost.putIfAbsent(host, vs);
        }
      }
    }
    return byHost;
  }

  private static @Nullable VirtualService mostSpecificWildcard(Map<String, VirtualService> byHost, String host) {
    VirtualService best = null;
    int bestLength = -1;
    for (Map.Entry<String, VirtualService> e : byHost.entrySet()) {
      if (HostNames.isWildcard(e.getKey()) && HostNames.matches(e.getKey(), host) && e.getKey().length() > bestLength) {
        best = e.getValue();
        bestLength = e.getKey().length();
      }
    }
    return best;
  }

  /**
   * An API listener whose HttpConnectionManager reads its routes over ADS, with istiod's order of
   * filters before the router: the CORS filter when a route has a CORS policy (marked optional: a
   * route's CORS policy means nothing without it in Envoy, and grpc-java, which has no CORS filter,
   * skips an optional one instead of refusing the listener), then the fault filter when a route
   * injects faults.
   */
  static Listener listener(String name, boolean fault, boolean cors) {
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName(name)
            .setConfigSource(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())));
    if (cors) {
      hcm.addHttpFilters(HttpFilter.newBuilder().setName(MirrorCorsBuilder.CORS_FILTER).setIsOptional(true)
          .setTypedConfig(Any.pack(Cors.getDefaultInstance())));
    }
    if (fault) {
      hcm.addHttpFilters(HttpFilter.newBuilder().setName(ActionBuilder.FAULT_FILTER)
          .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())));
    }
    hcm.addHttpFilters(HttpFilter.newBuilder().setName(ROUTER_FILTER).setTypedConfig(Any.pack(Router.getDefaultInstance())));
    return Listener.newBuilder().setName(name)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm.build()))).build();
  }
}
