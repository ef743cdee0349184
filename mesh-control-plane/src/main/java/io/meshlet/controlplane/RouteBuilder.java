package io.meshlet.controlplane;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.meshlet.core.config.HostNames;
import io.meshlet.core.model.Destination;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.MirrorPolicy;
import io.meshlet.core.model.RouteDestination;
import io.meshlet.core.model.VirtualService;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The RouteConfiguration {@code host:port} for one node group: the VirtualService's rules in order
 * (each match block its own Envoy route, as istiod splits them), or, without a VirtualService, a
 * default route to the host's own cluster on that port.
 */
final class RouteBuilder {
  /** What a route needs to know about the clusters it sends to. */
  interface Targets {
    /** The cluster of {@code d} for a request on {@code listenerPort} (istiod's choice when the destination names no port). */
    String cluster(Destination d, int listenerPort);

    /** The consistent hash of the cluster's load balancer, or null. */
    @Nullable ConsistentHash hash(String cluster);
  }

  /**
   * The route configuration, whether any of its routes injects a fault and whether any has a CORS
   * policy (the listener then runs the fault filter, the CORS filter).
   */
  record Built(RouteConfiguration routes, boolean fault, boolean cors) {}

  private final NodeKey node;
  private final Targets targets;

  RouteBuilder(NodeKey node, Targets targets) {
    this.node = node;
    this.targets = targets;
  }

  Built build(String host, int port, @Nullable VirtualService vs) {
    String name = Names.listener(host, port);
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName(name).addAllDomains(HostNames.aliases(host, node.namespace(), port));
    boolean fault = false;
    boolean cors = false;
    if (vs == null) {
      vh.addRoutes(route("default", null, List.of(new RouteDestination(new Destination(host, null, 0), 100,
          io.meshlet.core.model.HeaderOperations.NONE)), new HttpRoute(null, List.of(), List.of(), null, null, null,
          io.meshlet.core.model.HeaderOperations.NONE), port, false));
    } else {
      for (HttpRoute rule : vs.http()) {
        List<HttpMatch> matches = applicable(rule.matches(), port);
        if (matches == null) {
          continue; // no match block of this rule can apply to this node on this port
        }
        for (HttpMatch m : matches) {
          vh.addRoutes(route(rule.name(), m, rule.destinations(), rule, port, true));
        }
        fault |= rule.fault() != null;
        cors |= rule.cors() != null;
      }
    }
    return new Built(RouteConfiguration.newBuilder().setName(name).addVirtualHosts(vh).build(), fault, cors);
  }

  /**
   * The match blocks that can apply on {@code port} to this node ([null] for a rule without any), or
   * null when none can: Istio drops those when it generates the node's routes.
   */
  private @Nullable List<@Nullable HttpMatch> applicable(List<HttpMatch> matches, int port) {
    List<@Nullable HttpMatch> out = new ArrayList<>();
    if (matches.isEmpty()) {
      out.add(null);
      return out;
    }
    for (HttpMatch m : matches) {
      if (appliesTo(m, port)) {
        out.add(m);
      }
    }
    return out.isEmpty() ? null : out;
  }

  /** On {@code port} (0: any) and for this node: the activation rule the route table compiler applies to its workload. */
  private boolean appliesTo(HttpMatch m, int port) {
    return (m.port() == 0 || m.port() == port) && m.activeFor(node.namespace(), node.labels());
  }

  /** @param fromVirtualService false for the default route of a host without a VirtualService */
  private Route route(@Nullable String name, @Nullable HttpMatch match, List<RouteDestination> destinations, HttpRoute rule,
      int port, boolean fromVirtualService) {
    Route.Builder r = Route.newBuilder().setMatch(MatchBuilder.build(match));
    if (name != null) {
      r.setName(name);
    }
    if (rule.redirect() != null) {
      r.setRedirect(ActionBuilder.redirect(rule.redirect()));
    } else if (rule.directResponse() != null) {
      r.setDirectResponse(ActionBuilder.directResponse(rule.directResponse()));
    } else {
      r.setRoute(action(destinations, rule, port, fromVirtualService));
    }
    r.addAllRequestHeadersToAdd(ActionBuilder.headersToAdd(rule.headers().request()))
        .addAllRequestHeadersToRemove(rule.headers().request().remove())
        .addAllResponseHeadersToAdd(ActionBuilder.headersToAdd(rule.headers().response()))
        .addAllResponseHeadersToRemove(rule.headers().response().remove());
    if (rule.fault() != null) {
      r.putTypedPerFilterConfig(ActionBuilder.FAULT_FILTER, ActionBuilder.fault(rule.fault()));
    }
    if (rule.cors() != null) {
      r.putTypedPerFilterConfig(MirrorCorsBuilder.CORS_FILTER, MirrorCorsBuilder.cors(rule.cors()));
    }
    return r.build();
  }

  private RouteAction action(List<RouteDestination> destinations, HttpRoute rule, int port, boolean fromVirtualService) {
    RouteAction.Builder a = RouteAction.newBuilder();
    Set<ConsistentHash> hashes = new LinkedHashSet<>();
    if (destinations.size() == 1 && destinations.get(0).headers().isEmpty()) {
      String cluster = targets.cluster(destinations.get(0).destination(), port);
      a.setCluster(cluster);
      addIfSet(hashes, targets.hash(cluster));
    } else {
      WeightedCluster.Builder w = WeightedCluster.newBuilder();
      for (RouteDestination d : destinations) {
        String cluster = targets.cluster(d.destination(), port);
        addIfSet(hashes, targets.hash(cluster));
        w.addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(cluster).setWeight(Protos.uint32(d.weight()))
            .addAllRequestHeadersToAdd(ActionBuilder.headersToAdd(d.headers().request()))
            .addAllRequestHeadersToRemove(d.headers().request().remove())
            .addAllResponseHeadersToAdd(ActionBuilder.headersToAdd(d.headers().response()))
            .addAllResponseHeadersToRemove(d.headers().response().remove()));
      }
      a.setWeightedClusters(w);
    }
    for (ConsistentHash h : hashes) {
      a.addHashPolicy(HashPolicies.of(h));
    }
    ActionBuilder.rewrite(a, rule.rewrite());
    ActionBuilder.timeout(a, rule.timeout(), fromVirtualService);
    a.setRetryPolicy(ActionBuilder.retries(rule.retries()));
    for (MirrorPolicy m : rule.mirrors()) {
      a.addRequestMirrorPolicies(MirrorCorsBuilder.mirror(m, targets.cluster(m.destination(), port)));
    }
    return a.build();
  }

  private static void addIfSet(Set<ConsistentHash> hashes, @Nullable ConsistentHash h) {
    if (h != null) {
      hashes.add(h);
    }
  }
}
