package io.meshlet.xds.translate;

import static java.util.Objects.requireNonNull;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.RateLimitPolicy;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.VirtualService;
import io.meshlet.xds.translate.ClusterTranslator.ClusterInfo;
import io.meshlet.xds.translate.EndpointTranslator.Ep;
import io.meshlet.xds.translate.InboundTranslator.Inbound;
import io.meshlet.xds.translate.ListenerTranslator.ListenerRoutes;
import io.meshlet.xds.translate.RouteTranslator.Routes;
import io.meshlet.xds.translate.RouteTranslator.VirtualHostRules;
import io.meshlet.xds.translate.ServiceAssembler.ClusterEndpoints;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's xDS resources into the mesh model, as {@code mesh-xds-client/DEVELOPER.md} ("The mapping")
 * fixes it: routes into one VirtualService per host, clusters into a ServiceEntry and a
 * DestinationRule per host, ClusterLoadAssignments into the ServiceEntry's endpoints, this workload's
 * inbound listeners into its PeerAuthentication, AuthorizationPolicies and server-side rate limit. Pure: the same
 * resources always give the same model and problems.
 *
 * <p>Each resource is translated on its own. One that cannot be used is left out with an ERROR
 * (kind: its xDS type, name: its resource name, path: the field inside it); a field that is ignored
 * gets a WARNING. The runtime rejects a whole update that carries an ERROR, so a client NACKs such a
 * response (or leaves the bad resources out before delivering it).
 */
public final class XdsTranslator {
  private XdsTranslator() {}

  /**
   * @param namespace the workload's namespace: the namespace of every resource made, and the one
   *     short domains ({@code reviews}) are qualified with
   */
  public static Translation translate(XdsResources resources, String namespace) {
    return translate(resources, namespace, Map.of());
  }

  /**
   * As {@link #translate(XdsResources, String)}, for a workload that serves: {@code serverListeners}
   * are its declared inbound listeners (name → port, gRFC A36). One that {@code resources} does not
   * hold as a translated inbound listener fails closed: calls to its port are denied (see {@link
   * InboundAssembler}).
   */
  public static Translation translate(XdsResources resources, String namespace, Map<String, Integer> serverListeners) {
    requireNonNull(resources, "resources");
    requireNonNull(namespace, "namespace");
    requireNonNull(serverListeners, "serverListeners");
    List<ConfigProblem> problems = new ArrayList<>();

    // Listeners and the route configurations they reference (each RDS resource translated once).
    List<ListenerRoutes> listeners = new ArrayList<>();
    Map<String, Routes> routesByListener = new HashMap<>();
    Map<String, Optional<Routes>> rds = new TreeMap<>();
    List<Inbound> inbound = new ArrayList<>();
    List<RateLimitPolicy> rateLimits = new ArrayList<>();
    for (Listener l : new TreeMap<>(resources.listeners()).values()) {
      Problems p = new Problems("Listener", l.getName());
      if (InboundTranslator.isInbound(l)) {
        Inbound in = InboundTranslator.translate(l, namespace, p);
        if (in != null) {
          inbound.add(in);
        }
        problems.addAll(p.all());
        continue;
      }
      ListenerRoutes lr = ListenerTranslator.translate(l, p);
      Routes routes = null;
      if (lr != null && lr.inlineRoutes() != null) {
        routes = RouteTranslator.translate(lr.inlineRoutes(), namespace, ListenerTranslator.INLINE_ROUTES_PATH, p);
      } else if (lr != null && lr.rdsName() != null) {
        routes = rds.computeIfAbsent(lr.rdsName(), name -> rds(resources.routes().get(name), name, namespace, problems))
            .orElse(null);
      }
      if (lr != null && routes != null && lr.rateLimit() != null) {
        clientRateLimits(lr, routes, namespace, p, rateLimits);
      }
      problems.addAll(p.all());
      if (lr != null && routes != null) {
        listeners.add(lr);
        routesByListener.put(lr.name(), routes);
      }
    }
    Map<String, List<ConsistentHash>> hashes = new HashMap<>();
    for (Routes r : routesByListener.values()) {
      r.hashes().forEach((cluster, h) -> hashes.computeIfAbsent(cluster, k -> new ArrayList<>()).addAll(h));
    }
    List<VirtualService> virtualServices = virtualServices(listeners, routesByListener, namespace);

    // Clusters and their endpoints (each EDS resource translated once), grouped by host.
    Map<String, List<ClusterEndpoints>> byHost = new LinkedHashMap<>();
    Map<String, Optional<List<Ep>>> eds = new TreeMap<>();
    for (Cluster c : new TreeMap<>(resources.clusters()).values()) {
      Problems p = new Problems("Cluster", c.getName());
      ClusterInfo info = ClusterTranslator.translate(c, hashes, p);
      List<Ep> endpoints = List.of();
      if (info != null && info.inlineEndpoints() != null) {
        endpoints = EndpointTranslator.translate(info.inlineEndpoints(), "load_assignment", p);
      } else if (info != null && info.edsName() != null) {
        endpoints = eds.computeIfAbsent(info.edsName(), name -> eds(resources.endpoints().get(name), name, problems))
            .orElse(List.of());
      }
      problems.addAll(p.all());
      if (info != null && endpoints != null && !p.hasErrors()) {
        byHost.computeIfAbsent(info.target().host(), k -> new ArrayList<>()).add(new ClusterEndpoints(info, endpoints));
      }
    }
    List<ServiceEntry> serviceEntries = new ArrayList<>();
    List<DestinationRule> destinationRules = new ArrayList<>();
    for (Map.Entry<String, List<ClusterEndpoints>> e : byHost.entrySet()) {
      ServiceAssembler.Service s = ServiceAssembler.assemble(e.getKey(), e.getValue(), namespace, problems);
      serviceEntries.add(s.serviceEntry());
      destinationRules.add(s.destinationRule());
    }
    Map<String, Integer> missing = new TreeMap<>(serverListeners);
    inbound.forEach(in -> missing.remove(in.name()));
    InboundAssembler.Security security = InboundAssembler.assemble(inbound, missing, namespace, problems);
    rateLimits.addAll(security.rateLimits());
    return new Translation(new MeshConfig(serviceEntries, virtualServices, destinationRules, List.of(),
        rateLimits, security.peerAuthentications(), security.authorizationPolicies(), List.of(), security.requestAuthentications(), List.of()),
        problems);
  }

  /**
   * An API listener's local rate limit: a client-side RateLimit {@code xds-<listener>} per host of
   * its routes. The model's limit covers every call to the host, not one port.
   */
  private static void clientRateLimits(ListenerRoutes lr, Routes routes, String namespace, Problems p,
      List<RateLimitPolicy> out) {
    ResourceOrigin origin = new ResourceOrigin("xds", "Listener " + lr.name());
    RateLimitPolicy limit = LocalRateLimitTranslator.translate(lr.rateLimit().config(), lr.name(), namespace, "", origin,
        lr.rateLimit().path(), p);
    if (limit == null) {
      return;
    }
    for (VirtualHostRules vh : routes.virtualHosts()) {
      for (String host : vh.hosts()) {
        out.add(new RateLimitPolicy(new ResourceId("RateLimit", namespace, "xds-" + host + "-" + lr.port()), origin, host,
            List.of(), limit.limitForPeriod(), limit.limitRefreshPeriod(), List.of(), List.of()));
      }
    }
  }

  /** The RouteConfiguration names the listeners' HttpConnectionManagers reference ({@code rds.route_config_name}). */
  public static Set<String> routeNamesReferenced(Collection<Listener> listeners) {
    Set<String> names = new LinkedHashSet<>();
    for (Listener l : listeners) {
      String name = ListenerTranslator.rdsName(l);
      if (name != null) {
        names.add(name);
      }
    }
    return names;
  }

  /** The ClusterLoadAssignment names the EDS clusters read: {@code eds_cluster_config.service_name}, else the cluster name. */
  public static Set<String> edsNamesReferenced(Collection<Cluster> clusters) {
    Set<String> names = new LinkedHashSet<>();
    for (Cluster c : clusters) {
      if (!c.hasClusterType() && c.getType() == Cluster.DiscoveryType.EDS) {
        names.add(ClusterTranslator.edsName(c));
      }
    }
    return names;
  }

  private static Optional<Routes> rds(
      @Nullable RouteConfiguration rc, String name, String namespace, List<ConfigProblem> problems) {
    if (rc == null) {
      return Optional.empty(); // not received yet
    }
    Problems p = new Problems("RouteConfiguration", name);
    Routes routes = RouteTranslator.translate(rc, namespace, "", p);
    problems.addAll(p.all());
    return Optional.ofNullable(routes);
  }

  private static Optional<List<Ep>> eds(@Nullable ClusterLoadAssignment cla, String name, List<ConfigProblem> problems) {
    if (cla == null) {
      return Optional.empty(); // not received yet: no endpoints
    }
    Problems p = new Problems("ClusterLoadAssignment", name);
    List<Ep> endpoints = EndpointTranslator.translate(cla, "", p);
    problems.addAll(p.all());
    return Optional.ofNullable(endpoints);
  }

  /**
   * One VirtualService per host: the rules of every listener whose routes name the host, listeners
   * by port (port 0, any port, last), each rule's matches restricted to its listener's port.
   */
  private static List<VirtualService> virtualServices(
      List<ListenerRoutes> listeners, Map<String, Routes> routesByListener, String namespace) {
    List<ListenerRoutes> ordered = new ArrayList<>(listeners);
    ordered.sort(Comparator.comparingInt((ListenerRoutes l) -> l.port() == 0 ? Integer.MAX_VALUE : l.port())
        .thenComparing(ListenerRoutes::name));
    Map<String, List<HttpRoute>> rules = new LinkedHashMap<>();
    Map<String, String> origins = new HashMap<>();
    for (ListenerRoutes l : ordered) {
      Routes routes = routesByListener.get(l.name());
      String origin = l.rdsName() != null ? "RouteConfiguration " + l.rdsName() : "Listener " + l.name();
      for (VirtualHostRules vh : routes.virtualHosts()) {
        List<HttpRoute> placed = new ArrayList<>();
        for (HttpRoute r : vh.rules()) {
          placed.add(place(r, l.port(), l.faultFilter()));
        }
        for (String host : vh.hosts()) {
          rules.computeIfAbsent(host, k -> new ArrayList<>()).addAll(placed);
          origins.putIfAbsent(host, origin);
        }
      }
    }
    List<VirtualService> out = new ArrayList<>();
    for (Map.Entry<String, List<HttpRoute>> e : rules.entrySet()) {
      String host = e.getKey();
      out.add(new VirtualService(new ResourceId("VirtualService", namespace, host),
          new ResourceOrigin("xds", origins.get(host)), List.of(host), List.of(), e.getValue(), List.of(), List.of()));
    }
    return out;
  }

  /** {@code r} with its matches restricted to {@code port}, and without fault unless the listener runs the fault filter. */
  private static HttpRoute place(HttpRoute r, int port, boolean faultFilter) {
    List<HttpMatch> matches = r.matches();
    if (port != 0) {
      matches = matches.isEmpty()
          ? List.of(RouteTranslator.withPort(HttpMatch.any(), port))
          : matches.stream().map(m -> RouteTranslator.withPort(m, port)).toList();
    }
    FaultInjection fault = faultFilter ? r.fault() : null;
    return new HttpRoute(r.name(), matches, r.destinations(), r.redirect(), r.directResponse(), r.rewrite(),
        r.headers(), r.timeout(), r.retries(), fault, r.mirrors(), r.cors());
  }
}
