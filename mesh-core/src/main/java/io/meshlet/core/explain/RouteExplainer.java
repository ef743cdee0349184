package io.meshlet.core.explain;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.HostNames;
import io.meshlet.core.explain.Explanation.Outcome;
import io.meshlet.core.explain.Explanation.RuleCheck;
import io.meshlet.core.explain.Explanation.WeightedChoice;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.DelegatedRule;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.DirectResponse;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.Headers;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.Sidecar;
import io.meshlet.core.model.VirtualService;
import io.meshlet.core.pipeline.Mirror;
import io.meshlet.core.resilience.ClusterPolicy;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.CompiledDestination;
import io.meshlet.core.routing.CompiledMirror;
import io.meshlet.core.routing.CompiledRoute;
import io.meshlet.core.routing.RequestView;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.routing.ServiceRoutes;
import io.meshlet.core.routing.UnknownHosts;
import io.meshlet.core.snapshot.MeshSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Builds an {@link Explanation} by walking the same compiled route table the request path uses:
 * {@link RouteTable#lookup}, each rule's match blocks ({@link CompiledRoute#matchingBlock}, and
 * {@link CompiledRoute#mismatch} for why they fail), the weight table ({@link
 * CompiledRoute#bucketOf}) and the cluster's load balancer ({@link Cluster#pick}). It reads the
 * compiled structures through their public, read-only accessors only.
 */
public final class RouteExplainer {
  private final MeshSnapshot snapshot;
  private final RouteTable table;
  private RequestView req;
  private final List<RuleCheck> rules = new ArrayList<>();
  private final List<WeightedChoice> choices = new ArrayList<>();
  private final List<String> endpoints = new ArrayList<>();
  private final List<String> actions = new ArrayList<>();
  private final List<String> policies = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private String hostResolution = "";
  private @Nullable VirtualService vs;
  private int matched = -1;
  private @Nullable String cluster;
  private @Nullable String lb;
  private @Nullable String endpoint;

  private RouteExplainer(MeshSnapshot snapshot, RouteTable table, RequestView req) {
    this.snapshot = snapshot;
    this.table = table;
    this.req = req;
  }

  /**
   * Explains {@code req} against {@code table}.
   *
   * @param registryOnly true when unknown hosts are refused (REGISTRY_ONLY) rather than passed through
   */
  public static Explanation explain(
      MeshSnapshot snapshot, RouteTable table, String namespace, boolean registryOnly, RequestView req, RandomGenerator random) {
    return new RouteExplainer(snapshot, table, req).run(namespace, table.registryOnly(registryOnly), random);
  }

  /** The resource that defines {@code host} for a caller in {@code namespace}, or null (for a host a Sidecar left out). */
  private @Nullable String definedBy(String host, String namespace) {
    for (MeshResource r : snapshot.config().all()) {
      List<String> hosts = r instanceof ServiceEntry se ? se.hosts() : r instanceof VirtualService vs ? vs.hosts() : List.of();
      for (String h : hosts) {
        if (r.visibleTo(namespace) && HostNames.aliases(h, namespace).contains(host)) {
          return r.id().toString();
        }
      }
    }
    return null;
  }

  private static String egressHosts(Sidecar sidecar) {
    List<String> all = new ArrayList<>();
    for (Sidecar.EgressListener l : sidecar.egress()) {
      for (Sidecar.HostPattern p : l.hosts()) {
        all.add(p.toString());
      }
    }
    return all.toString();
  }

  private Explanation run(String namespace, boolean registryOnly, RandomGenerator random) {
    gatewayOnlyNotes(namespace);
    ServiceRoutes routes = table.lookup(req.host());
    if (routes == null) {
      Sidecar sidecar = table.sidecar();
      String defined = sidecar == null ? null : definedBy(req.host(), namespace);
      hostResolution = defined != null
          ? "'" + req.host() + "' is out of the scope of Sidecar " + sidecar.id().namespace() + "/" + sidecar.id().name()
              + " (" + defined + " defines it; egress hosts " + egressHosts(sidecar) + "): unknown to the mesh"
          : "'" + req.host() + "' is not known to the mesh (no ServiceEntry or VirtualService in namespace "
              + namespace + " or exported to it)";
      return registryOnly
          ? done(Outcome.BLOCKED, "outbound traffic policy REGISTRY_ONLY refuses hosts the mesh does not know ("
              + UnknownHosts.BLACK_HOLE_CLUSTER + ")")
          : done(Outcome.PASSTHROUGH, "sent unchanged to " + req.host() + ":" + req.port() + " (ALLOW_ANY, "
              + UnknownHosts.PASSTHROUGH_CLUSTER + ")");
    }
    hostResolution = describeHost(routes.host(), namespace);
    RequestView onServicePort = routes.withServicePort(req);
    if (onServicePort != req) {
      notes.add("no port in the request: routed on " + routes.host() + "'s one port " + onServicePort.port());
      req = onServicePort;
    }
    vs = routes.virtualService();
    CompiledRoute route = null;
    for (CompiledRoute r : routes.routes()) {
      if (r.index() < 0) {
        route = r;
        break;
      }
      int block = r.matchingBlock(req);
      if (block >= 0) {
        rules.add(new RuleCheck(r.index(), r.model().name(), true, List.of(), r.model().delegatedFrom()));
        route = r;
        break;
      }
      rules.add(new RuleCheck(r.index(), r.model().name(), false, r.mismatch(req), r.model().delegatedFrom()));
    }
    addNotes(vs, route);
    if (route == null) {
      return done(Outcome.NO_ROUTE, "no rule of " + vs.id() + " matches (NR)");
    }
    matched = route.index();
    switch (route.action()) {
      case REDIRECT:
        actions.add("redirect " + route.redirectCode() + " to " + route.redirectLocation(req, queryOf(req)));
        return done(Outcome.REDIRECT, "answered with a redirect by " + route.describe());
      case DIRECT_RESPONSE:
        DirectResponse dr = route.directResponse();
        actions.add("direct response " + dr.status() + " with a " + dr.body().length + "-byte body");
        return done(Outcome.DIRECT_RESPONSE, "answered directly by " + route.describe());
      case FORWARD:
      default:
        return forward(route, random);
    }
  }

  private Explanation forward(CompiledRoute route, RandomGenerator random) {
    List<CompiledDestination> dests = route.destinations();
    int draw = dests.size() == 1 ? 0 : random.nextInt(route.totalWeight());
    int bucket = dests.size() == 1 ? 0 : route.bucketOf(draw);
    int from = 0;
    for (int i = 0; i < dests.size(); i++) {
      int to = route.cumulativeWeight(i);
      choices.add(new WeightedChoice(dests.get(i).destination().toString(), dests.get(i).weight(), from, to, i == bucket));
      from = to;
    }
    if (dests.size() > 1) {
      notes.add("weighted split: drew " + draw + " of " + route.totalWeight() + "; another call may draw differently");
    }
    CompiledDestination dest = dests.get(bucket);
    describeRewrites(route, dest);
    policies.add("route: " + route.policy());
    if (route.rateLimit() != null) {
      policies.add(route.rateLimit().toString());
    }
    Cluster c = dest.cluster(req.port());
    if (c == null) {
      return done(Outcome.NO_CLUSTER, dest.unavailableReason(req.port()) + " (NC)");
    }
    cluster = c.name();
    lb = c.policy() + (c.hashes() ? ", hash key: " + c.describeHashKey(req) : "");
    for (Endpoint e : c.endpoints()) {
      endpoints.add(e.toString());
    }
    ClusterPolicy limits = c.clusterPolicy();
    policies.add("cluster: " + limits + "; now " + limits.activeRequests() + " requests and "
        + limits.activeRetries() + " retries in flight");
    List<Endpoint> ejected = c.ejected();
    if (!ejected.isEmpty()) {
      StringBuilder sb = new StringBuilder("ejected: ");
      for (Endpoint e : ejected) {
        sb.append(e.hostPort()).append(" (ejection ").append(e.health().ejections()).append(") ");
      }
      policies.add(sb.toString().trim() + (c.inPanic() ? "; cluster in PANIC: ejected endpoints take traffic" : ""));
    }
    if (c.isPassthrough()) {
      return done(Outcome.PASSTHROUGH, "sent to the address the caller asked for, " + req.host() + ":" + req.port());
    }
    Endpoint e = c.pick(req, random);
    if (e == null) {
      return done(Outcome.NO_ENDPOINT, c.noEndpointMessage() + " (UH)");
    }
    endpoint = e.hostPort();
    String locality = c.describeLocality(e);
    if (locality != null) {
      policies.add("locality: " + locality);
    }
    return done(Outcome.FORWARD, "sent to " + e.hostPort() + " by " + route.describe());
  }

  private void describeRewrites(CompiledRoute route, CompiledDestination dest) {
    String path = route.rewritePath(req);
    if (!path.equals(req.path())) {
      actions.add("rewrite path " + req.path() + " -> " + path);
    }
    String authority = route.rewriteAuthority();
    actions.add("Host header: " + (authority != null ? authority + " (rewritten)" : req.authority()));
    describeHeaders("route", route.headers());
    describeHeaders("destination", dest.headers());
    describeMirrors(route, authority != null ? authority : req.authority());
    if (route.cors() != null) {
      actions.add("corsPolicy: applied by the server side of " + req.host() + " (" + route.cors().describeOrigin(req.header("origin")) + ")");
    }
  }

  /** Each mirror as {@code OutboundCall.mirrors} would send it: destination, share, cluster, shadow Host. */
  private void describeMirrors(CompiledRoute route, String authority) {
    for (CompiledMirror m : route.mirrors()) {
      Cluster c = m.destination().cluster(req.port());
      actions.add("mirror " + (m.millionths() / 10_000.0) + "% to "
          + (c != null ? c.name() : m.destination().unavailableReason(req.port()) + " (not sent)")
          + ", Host " + Mirror.shadowAuthority(authority) + ", fire and forget");
    }
  }

  private void describeHeaders(String where, HeaderOperations ops) {
    describe(where + " request headers", ops.request());
    describe(where + " response headers", ops.response());
  }

  private void describe(String what, Headers h) {
    if (!h.set().isEmpty()) {
      actions.add(what + " set " + h.set());
    }
    if (!h.add().isEmpty()) {
      actions.add(what + " add " + h.add());
    }
    if (!h.remove().isEmpty()) {
      actions.add(what + " remove " + h.remove());
    }
  }

  private void addNotes(@Nullable VirtualService vs, @Nullable CompiledRoute route) {
    if (vs != null) {
      String rulePrefix = route != null && route.index() >= 0 ? "http[" + route.index() + "]" : null;
      for (String path : vs.notYetApplied()) {
        if (!path.startsWith("http[") || (rulePrefix != null && path.startsWith(rulePrefix))) {
          notes.add(vs.id() + ": " + path + " is configured but not yet applied by Meshlet");
        }
      }
      warningsOf(vs.id());
    }
    DelegatedRule from = route == null ? null : route.model().delegatedFrom();
    if (from != null) {
      // The delegate's own notes: its fields not yet applied in the rule that matched, and the warnings about it.
      for (VirtualService delegate : snapshot.config().virtualServices()) {
        if (delegate.id().equals(from.delegate())) {
          for (String path : delegate.notYetApplied()) {
            if (!path.startsWith("http[") || path.startsWith("http[" + from.delegateRule() + "]")) {
              notes.add(delegate.id() + ": " + path + " is configured but not yet applied by Meshlet");
            }
          }
        }
      }
      warningsOf(from.delegate());
    }
    if (route != null) {
      for (CompiledDestination d : route.destinations()) {
        for (DestinationRule dr : snapshot.config().destinationRules()) {
          if (dr.host().equals(d.destination().host())) {
            for (String path : dr.notYetApplied()) {
              notes.add(dr.id() + ": " + path + " is configured but not yet applied by Meshlet");
            }
            warningsOf(dr.id());
          }
        }
      }
    }
  }

  /**
   * VirtualServices for the asked host that are bound only to gateways ({@code gateways} without
   * {@code mesh}): the route table left them out, and explain says so instead of being silent.
   */
  private void gatewayOnlyNotes(String namespace) {
    for (VirtualService v : snapshot.config().virtualServices()) {
      if (v.appliesToMesh() || !v.visibleTo(namespace)) {
        continue;
      }
      for (String h : v.hosts()) {
        if (HostNames.aliases(h, namespace).contains(req.host()) || HostNames.isWildcard(h) && HostNames.matches(h, req.host())) {
          notes.add(v.id() + " names " + h + " but is bound to gateways " + v.gateways()
              + " without mesh: it does not apply to this workload's calls");
          break;
        }
      }
    }
  }

  private void warningsOf(ResourceId id) {
    for (ConfigProblem p : snapshot.warnings()) {
      if (p.isAbout(id) && !p.message().contains("not yet applied")) {
        String note = p.toString();
        if (!notes.contains(note)) {
          notes.add(note);
        }
      }
    }
  }

  private String describeHost(String resolved, String namespace) {
    String asked = req.host();
    if (resolved.startsWith("*")) {
      return "'" + asked + "' matches wildcard host " + resolved;
    }
    if (asked.equals(resolved)) {
      return "'" + asked + "' is a mesh host";
    }
    return "'" + asked + "' is " + resolved + (asked.indexOf('.') < 0 ? " (short name in namespace " + namespace + ")" : "");
  }

  private static @Nullable String queryOf(RequestView req) {
    return req instanceof ExplainRequest er ? er.rawQuery() : null;
  }

  private Explanation done(Outcome outcome, String message) {
    return new Explanation(req.toString(), outcome, hostResolution, vs == null ? null : vs.id(),
        vs == null ? null : vs.origin().toString(), rules, matched, choices, cluster, lb, endpoints, endpoint, actions,
        policies, notes, message);
  }
}
