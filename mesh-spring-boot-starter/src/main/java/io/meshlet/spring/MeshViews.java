package io.meshlet.spring;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.resilience.Breaker;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.CompiledDestination;
import io.meshlet.core.routing.CompiledRoute;
import io.meshlet.core.routing.ServiceRoutes;
import io.meshlet.core.security.InboundExplanation;
import io.meshlet.core.snapshot.MeshSnapshot;
import io.meshlet.core.snapshot.Rejection;
import io.meshlet.core.snapshot.SourceStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The mesh's state as plain maps and lists for JSON (the actuator endpoint, health details): read
 * from the mesh's public accessors, nothing computed here that the mesh does not say itself.
 */
final class MeshViews {
  private MeshViews() {}

  static Map<String, Object> overview(Mesh mesh) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workload", workload(mesh));
    out.put("ready", mesh.hasFirstConfig());
    out.put("version", mesh.snapshot().version());
    out.put("createdAt", mesh.snapshot().createdAt().toString());
    out.put("resources", mesh.snapshot().config().size());
    out.put("outboundTrafficPolicy", mesh.outboundTrafficPolicy().name());
    out.put("sources", sources(mesh));
    out.put("lastRejection", mesh.lastRejection().map(MeshViews::rejection).orElse(null));
    out.put("warnings", mesh.snapshot().warnings().stream().map(ConfigProblem::toString).toList());
    return out;
  }

  static Map<String, Object> workload(Mesh mesh) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", mesh.workload().name());
    out.put("namespace", mesh.workload().namespace());
    out.put("labels", mesh.workload().labels());
    return out;
  }

  static List<Map<String, Object>> sources(Mesh mesh) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SourceStatus s : mesh.sources()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("state", s.state().name());
      m.put("version", s.version());
      m.put("lastChange", s.lastChange().toString());
      m.put("message", s.message());
      out.add(m);
    }
    return out;
  }

  static Map<String, Object> rejection(Rejection r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", r.source());
    out.put("sourceVersion", r.sourceVersion());
    out.put("time", r.time().toString());
    out.put("keptVersion", r.keptVersion());
    List<Map<String, Object>> errors = new ArrayList<>();
    for (ConfigProblem p : r.errors()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("kind", p.kind());
      e.put("name", p.name());
      e.put("location", p.location());
      e.put("path", p.path());
      e.put("message", p.message());
      e.put("text", p.toString());
      errors.add(e);
    }
    out.put("errors", errors);
    return out;
  }

  static Map<String, Object> routes(Mesh mesh) {
    List<Map<String, Object>> services = new ArrayList<>();
    for (ServiceRoutes s : mesh.routeTable().services()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("host", s.host());
      m.put("virtualService", s.virtualService() == null ? null : s.virtualService().id().toString());
      List<Map<String, Object>> routes = new ArrayList<>();
      for (CompiledRoute r : s.routes()) {
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("index", r.index());
        route.put("name", r.model().name());
        route.put("description", r.describe());
        route.put("action", r.action().name());
        List<Map<String, Object>> destinations = new ArrayList<>();
        for (CompiledDestination d : r.destinations()) {
          Map<String, Object> dest = new LinkedHashMap<>();
          dest.put("host", d.destination().host());
          dest.put("subset", d.destination().subset());
          dest.put("port", d.destination().port());
          dest.put("weight", d.weight());
          destinations.add(dest);
        }
        route.put("destinations", destinations);
        routes.add(route);
      }
      m.put("routes", routes);
      services.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", mesh.routeTable().version());
    out.put("services", services);
    return out;
  }

  static Map<String, Object> clusters(Mesh mesh) {
    long now = mesh.time().nanoTime();
    List<Map<String, Object>> clusters = new ArrayList<>();
    for (Cluster c : mesh.routeTable().clusters()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("host", c.host());
      m.put("port", c.port());
      m.put("subset", c.subset());
      m.put("loadBalancer", c.policy());
      m.put("tls", c.tls() == null ? null : c.tls().toString());
      m.put("passthrough", c.isPassthrough());
      m.put("panic", c.inPanic());
      m.put("activeRequests", c.clusterPolicy().activeRequests());
      Breaker breaker = c.clusterPolicy().breaker();
      m.put("circuitBreaker", breaker == null ? null : Map.of("state", breaker.state(), "failureRate", breaker.failureRate()));
      List<Map<String, Object>> endpoints = new ArrayList<>();
      for (Endpoint e : c.endpoints()) {
        Map<String, Object> ep = new LinkedHashMap<>();
        ep.put("address", e.hostPort());
        ep.put("labels", e.labels());
        ep.put("weight", e.weight());
        ep.put("activeRequests", e.activeRequests());
        ep.put("ejected", e.health().isEjected(now));
        ep.put("ejections", e.health().ejections());
        endpoints.add(ep);
      }
      m.put("endpoints", endpoints);
      clusters.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", mesh.routeTable().version());
    out.put("clusters", clusters);
    return out;
  }

  /**
   * Every resource in force with where it came from, and each source's own account of what it holds
   * ({@link Mesh#configDump()}: for xDS, every subscribed resource with its version and state).
   */
  static Map<String, Object> configDump(Mesh mesh) {
    MeshSnapshot snapshot = mesh.snapshot();
    List<Map<String, Object>> resources = new ArrayList<>();
    for (MeshResource r : snapshot.config().all()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", r.id().kind());
      m.put("namespace", r.id().namespace());
      m.put("name", r.id().name());
      m.put("source", r.origin().source());
      m.put("location", r.origin().location());
      m.put("notYetApplied", r.notYetApplied());
      resources.add(m);
    }
    List<Map<String, Object>> sources = new ArrayList<>();
    Map<String, List<String>> dumps = mesh.configDump();
    for (Map<String, Object> source : sources(mesh)) {
      source.put("entries", dumps.getOrDefault((String) source.get("name"), List.of()));
      sources.add(source);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", snapshot.version());
    out.put("resources", resources);
    out.put("sources", sources);
    return out;
  }

  static Map<String, Object> inboundExplanation(InboundExplanation e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("allowed", e.decision().allowed());
    out.put("mtls", e.decision().mtls().name());
    out.put("policy", e.decision().policy() == null ? null : e.decision().policy().toString());
    out.put("reason", e.decision().reason());
    out.put("steps", e.steps());
    out.put("text", e.toString());
    return out;
  }

  static Map<String, Object> explanation(Explanation e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("request", e.request());
    out.put("outcome", e.outcome().name());
    out.put("message", e.message());
    out.put("hostResolution", e.hostResolution());
    out.put("virtualService", e.virtualService() == null ? null : e.virtualService().toString());
    out.put("virtualServiceOrigin", e.virtualServiceOrigin());
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Explanation.RuleCheck r : e.rules()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", r.index());
      m.put("name", r.name());
      m.put("matched", r.matched());
      m.put("reasons", r.reasons());
      rules.add(m);
    }
    out.put("rules", rules);
    out.put("matchedRule", e.matchedRule());
    List<Map<String, Object>> destinations = new ArrayList<>();
    for (Explanation.WeightedChoice w : e.destinations()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("destination", w.destination());
      m.put("weight", w.weight());
      m.put("from", w.from());
      m.put("to", w.to());
      m.put("chosen", w.chosen());
      destinations.add(m);
    }
    out.put("destinations", destinations);
    out.put("cluster", e.cluster());
    out.put("loadBalancer", e.loadBalancer());
    out.put("endpoints", e.endpoints());
    out.put("endpoint", e.endpoint());
    out.put("actions", e.actions());
    out.put("policies", e.policies());
    out.put("notes", e.notes());
    out.put("text", e.toString());
    return out;
  }
}
