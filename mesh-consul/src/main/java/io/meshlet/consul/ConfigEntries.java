package io.meshlet.consul;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.ConnectionPoolSettings;
import io.meshlet.core.model.Destination;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.HttpRewrite;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.RetryPolicy;
import io.meshlet.core.model.RouteDestination;
import io.meshlet.core.model.Subset;
import io.meshlet.core.model.TrafficPolicy;
import io.meshlet.core.model.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Consul's discovery chain (router → splitter → resolver) of each watched service as the mesh
 * model: a {@code VirtualService} (the router's routes in order, then the default route; a route or
 * default whose service has a splitter takes its weighted splits; every target resolved through its
 * service's resolver: redirect, default subset) and a {@code DestinationRule} per host (the
 * resolver's subsets, load balancer and connect timeout). Routes carry no retries unless the router
 * asks (Consul's default), not Istio's two.
 */
final class ConfigEntries {
  private ConfigEntries() {}

  /** What the entries make: mesh resources, and per service with a {@code Failover} its levels in order. */
  record Translation(List<MeshResource> resources, Map<String, List<FailoverLevel>> failovers) {
    static final Translation EMPTY = new Translation(List.of(), Map.of());

    Translation {
      resources = List.copyOf(resources);
      failovers = Map.copyOf(failovers);
    }
  }

  static List<MeshResource> translate(Map<String, List<JsonNode>> byKind, ConsulSettings settings, String source,
      List<ConfigProblem> problems) {
    return translation(byKind, settings, source, problems).resources();
  }

  static Translation translation(Map<String, List<JsonNode>> byKind, ConsulSettings settings, String source,
      List<ConfigProblem> problems) {
    Map<String, Resolver> resolvers = new LinkedHashMap<>();
    Map<String, Splitter> splitters = new LinkedHashMap<>();
    Map<String, Router> routers = new LinkedHashMap<>();
    Map<String, List<String>> locations = new LinkedHashMap<>();
    Map<String, EntryProblems> problemsOf = new LinkedHashMap<>();
    for (Map.Entry<String, List<JsonNode>> e : byKind.entrySet()) {
      String kind = e.getKey();
      for (JsonNode node : e.getValue()) {
        JsonNode n = node.get("Name");
        String name = n != null && n.isString() ? n.stringValue() : "";
        EntryProblems p = new EntryProblems(kind, name, problems);
        if (name.isEmpty()) {
          p.error("Name", "none (expected: the service the entry configures)");
          continue;
        }
        if (!settings.services().contains(name)) {
          p.warning("Name", name + " is not one of the services this source watches " + settings.services() + "; ignored");
          continue;
        }
        JsonFields f = new JsonFields(node, "", p);
        f.ignore("Kind", "Name", "Namespace", "Partition", "Meta", "CreateIndex", "ModifyIndex", "Hash");
        switch (kind) {
          case "service-resolver" -> resolvers.put(name, Resolver.parse(f, name));
          case "service-splitter" -> splitters.put(name, Splitter.parse(f, name));
          default -> routers.put(name, Router.parse(f, name));
        }
        f.finish();
        locations.computeIfAbsent(name, k -> new ArrayList<>()).add(kind + "/" + name);
        problemsOf.put(kind + "/" + name, p);
      }
    }
    Chain chain = new Chain(settings, resolvers, splitters);
    chain.check(problemsOf, routers);
    List<MeshResource> out = new ArrayList<>();
    for (String service : new TreeSet<>(locations.keySet())) {
      ResourceOrigin origin = new ResourceOrigin(source, String.join(", ", locations.get(service)));
      Resolver r = resolvers.get(service);
      if (r != null) {
        out.addAll(destinationRules(r, settings, origin));
      }
      Router router = routers.get(service);
      if (router != null || splitters.containsKey(service)
          || (r != null && (r.defaultSubset() != null || r.redirect() != null || r.requestTimeout() != null))) {
        out.add(virtualService(service, router, chain, settings, origin));
      }
    }
    return new Translation(out, chain.failovers());
  }

  private static List<DestinationRule> destinationRules(Resolver r, ConsulSettings settings, ResourceOrigin origin) {
    List<Subset> subsets = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> s : r.subsets().entrySet()) {
      subsets.add(new Subset(s.getKey(), s.getValue(), null));
    }
    ConnectionPoolSettings pool = r.connectTimeout() == null ? null
        : new ConnectionPoolSettings(0, r.connectTimeout(), 0, 0, 0, 0, null);
    TrafficPolicy policy = r.loadBalancer() == null && pool == null ? TrafficPolicy.NONE
        : new TrafficPolicy(r.loadBalancer(), List.of(), pool, null, null);
    List<DestinationRule> out = new ArrayList<>();
    List<String> hosts = settings.hosts(r.service());
    for (int i = 0; i < hosts.size(); i++) {
      String name = ServiceEntries.resourceName(r.service()) + (i == 0 ? "" : "-" + settings.hostForms().get(i).name().toLowerCase(java.util.Locale.ROOT));
      out.add(new DestinationRule(new ResourceId("DestinationRule", settings.meshNamespace(), name), origin, hosts.get(i),
          policy, subsets, List.of(), List.of()));
    }
    return out;
  }

  private static VirtualService virtualService(String service, @Nullable Router router, Chain chain, ConsulSettings settings,
      ResourceOrigin origin) {
    Resolver r = chain.resolvers.get(service);
    Duration defaultTimeout = r == null ? null : r.requestTimeout();
    List<HttpRoute> http = new ArrayList<>();
    if (router != null) {
      for (Router.Route route : router.routes()) {
        List<RouteDestination> to = route.subsetGiven() ? List.of(chain.single(route.target())) : chain.destinations(route.target().service(), route.target());
        HttpRewrite rewrite = route.prefixRewrite() == null ? null : new HttpRewrite(route.prefixRewrite(), null, null, null);
        http.add(new HttpRoute(null, route.match().equals(HttpMatch.any()) ? List.of() : List.of(route.match()), to, null, null,
            rewrite, route.headers(), route.timeout() != null ? route.timeout() : defaultTimeout,
            route.retries() != null ? route.retries() : RetryPolicy.NONE, null, List.of(), null));
      }
    }
    http.add(new HttpRoute(null, List.of(), chain.destinations(service, new Resolver.Target(service, null)), null, null, null,
        HeaderOperations.NONE, defaultTimeout, RetryPolicy.NONE, null, List.of(), null));
    return new VirtualService(new ResourceId("VirtualService", settings.meshNamespace(), ServiceEntries.resourceName(service)),
        origin, settings.hosts(service), List.of(), http, List.of(), List.of());
  }

  /** Resolves targets through splitters and resolvers. */
  private record Chain(ConsulSettings settings, Map<String, Resolver> resolvers, Map<String, Splitter> splitters) {
    /** The weighted destinations of {@code service}'s default: its splits, else {@code fallback} resolved. */
    List<RouteDestination> destinations(String service, Resolver.Target fallback) {
      Splitter s = splitters.get(service);
      if (s == null) {
        return List.of(single(fallback));
      }
      List<RouteDestination> out = new ArrayList<>();
      for (Splitter.Split split : s.splits()) {
        if (split.weight() > 0) {
          out.add(new RouteDestination(resolve(split.target()), split.weight(), split.headers()));
        }
      }
      return out;
    }

    RouteDestination single(Resolver.Target t) {
      return new RouteDestination(resolve(t), 100, HeaderOperations.NONE);
    }

    /** A target through its resolver: one redirect hop, then the default subset when none is named. */
    Destination resolve(Resolver.Target t) {
      String service = t.service();
      String subset = t.subset();
      Resolver r = resolvers.get(service);
      if (r != null && r.redirect() != null) {
        service = r.redirect().service();
        subset = r.redirect().subset();
        r = resolvers.get(service);
      }
      if (subset == null && r != null) {
        subset = r.defaultSubset();
      }
      return new Destination(settings.primaryHost(service), subset, 0);
    }

    /** Each service's failover levels, its targets' subsets resolved to labels. */
    Map<String, List<FailoverLevel>> failovers() {
      Map<String, List<FailoverLevel>> out = new LinkedHashMap<>();
      for (Resolver r : resolvers.values()) {
        List<FailoverLevel> levels = new ArrayList<>();
        for (Resolver.Failover f : r.failover()) {
          Resolver target = resolvers.get(f.service());
          Map<String, String> labels = f.subset() == null || target == null ? Map.of()
              : target.subsets().getOrDefault(f.subset(), Map.of());
          levels.add(new FailoverLevel(f.service(), f.datacenter(), labels));
        }
        if (!levels.isEmpty()) {
          out.put(r.service(), levels);
        }
      }
      return out;
    }

    /** Every target names a watched service and, if it names a subset, one its resolver defines. */
    void check(Map<String, EntryProblems> problemsOf, Map<String, Router> routers) {
      for (Resolver r : resolvers.values()) {
        EntryProblems p = problemsOf.get("service-resolver/" + r.service());
        if (r.redirect() != null) {
          checkTarget(p, "Redirect", r.redirect());
        }
        for (Resolver.Failover f : r.failover()) {
          if (f.datacenter() == null) {
            checkTarget(p, f.path(), new Resolver.Target(f.service(), f.subset()));
          } else if (f.subset() != null) {
            // The other datacenter's instances are selected by this datacenter's definition of the subset.
            Resolver target = resolvers.get(f.service());
            if (target == null || !target.subsets().containsKey(f.subset())) {
              p.error(f.path() + ".ServiceSubset", "'" + f.subset() + "' (expected: a subset of the service-resolver of "
                  + f.service() + (target == null ? ", which has none" : ": " + target.subsets().keySet()) + ")");
            }
          }
        }
      }
      for (Splitter s : splitters.values()) {
        for (int i = 0; i < s.splits().size(); i++) {
          checkTarget(problemsOf.get("service-splitter/" + s.service()), "Splits[" + i + "]", s.splits().get(i).target());
        }
      }
      for (Router r : routers.values()) {
        for (int i = 0; i < r.routes().size(); i++) {
          checkTarget(problemsOf.get("service-router/" + r.service()), "Routes[" + i + "].Destination", r.routes().get(i).target());
        }
      }
    }

    private void checkTarget(EntryProblems p, String path, Resolver.Target t) {
      if (!settings.services().contains(t.service())) {
        p.error(path + ".Service", t.service() + " is not one of the services this source watches " + settings.services());
        return;
      }
      if (t.subset() != null) {
        Resolver r = resolvers.get(t.service());
        if (r == null || !r.subsets().containsKey(t.subset())) {
          p.error(path + ".ServiceSubset", "'" + t.subset() + "' (expected: a subset of the service-resolver of " + t.service()
              + (r == null ? ", which has none" : ": " + r.subsets().keySet()) + ")");
        }
      }
    }
  }
}
