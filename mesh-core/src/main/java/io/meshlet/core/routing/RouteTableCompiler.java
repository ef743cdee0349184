package io.meshlet.core.routing;

import io.meshlet.core.config.ClusterName;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.HostNames;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.lb.LoadBalancers;
import io.meshlet.core.lb.LocalityLevels;
import io.meshlet.core.lb.LocalityPlan;
import io.meshlet.core.model.CompileFailure;
import io.meshlet.core.model.DelegatedRule;
import io.meshlet.core.model.Destination;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.CircuitBreakerPolicy;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.ConnectionPoolSettings;
import io.meshlet.core.model.RateLimitPolicy;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.core.resilience.LocalRateLimit;
import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.OutlierDetection;
import io.meshlet.core.model.RetryBudget;
import io.meshlet.core.resilience.ClusterPolicy;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.MirrorPolicy;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.RouteDestination;
import io.meshlet.core.model.ServerIdentities;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.Sidecar;
import io.meshlet.core.model.ServicePort;
import io.meshlet.core.model.Subset;
import io.meshlet.core.model.TrafficPolicy;
import io.meshlet.core.model.VirtualService;
import io.meshlet.core.model.Workload;
import io.meshlet.core.model.WorkloadEndpoint;
import io.meshlet.core.model.WorkloadSelection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Compiles a validated {@link MeshConfig} into a {@link RouteTable} for one workload. Runs on the
 * control thread, once per snapshot. What the config means for this workload is decided here
 * ({@code exportTo}, {@code gateways}, {@code sourceLabels}), so the request path only matches.
 * Endpoints whose definition did not change keep their instance (and live counters).
 */
public final class RouteTableCompiler {
  /** The table and what the compiler noticed (a destination with no ServiceEntry, an undefined subset). */
  public record Result(RouteTable table, List<ConfigProblem> warnings) {}

  private final long version;
  private final MeshConfig config;
  /** How delegation merged the config's root VirtualServices (their rules' own indexes, for messages). */
  private final VirtualServiceDelegation.Resolved delegation;
  private final Workload workload;
  private final MeshTime time;
  private final RouteTable previous;
  /** The workload's Sidecar: only the services in its egress scope are compiled. */
  private final @Nullable Sidecar sidecar;
  private final Map<EndpointKey, Endpoint> previousEndpoints = new HashMap<>();
  private final List<ConfigProblem> warnings = new ArrayList<>();
  private final Map<String, ServiceEntry> services = new LinkedHashMap<>();
  /** Per ServiceEntry with a workloadSelector, the endpoints of the WorkloadEntries it selects. */
  private final Map<ServiceEntry, List<WorkloadEndpoint>> selections = new java.util.IdentityHashMap<>();
  private final Map<String, Cluster> clusters = new LinkedHashMap<>();
  private final Map<String, LocalRateLimit> rateLimits = new LinkedHashMap<>();
  /** host → its DestinationRule (Optional.empty() for none), so the scan runs once per host. */
  private final Map<String, Optional<DestinationRule>> ruleByHost = new HashMap<>();
  private final java.util.Set<DestinationRule> usedRules = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  /** The resource being compiled and what of it, so that a failure names them ({@link CompileFailure}). */
  private @Nullable MeshResource compiling;
  private String compilingWhat = "";

  private RouteTableCompiler(long version, MeshConfig config, Workload workload, String rootNamespace,
      RouteTable previous, MeshTime time) {
    this.version = version;
    this.sidecar = Sidecar.forWorkload(config.sidecars(), workload.namespace(), workload.labels(), rootNamespace);
    this.delegation = VirtualServiceDelegation.resolve(config);
    this.config = delegation.config();
    warnings.addAll(delegation.warnings());
    this.workload = workload;
    this.time = time;
    this.previous = previous;
    for (Cluster c : previous.clusters()) {
      for (Endpoint e : c.endpoints()) {
        previousEndpoints.putIfAbsent(endpointKey(c.host(), c.port(), e), e);
      }
    }
  }

  /**
   * Compiles {@code config} for {@code workload}.
   *
   * @throws CompileFailure when anything (an {@link Error} included) fails, naming the resource being compiled
   */
  public static Result compile(long version, MeshConfig config, Workload workload, RouteTable previous, MeshTime time) {
    return compile(version, config, workload, InboundPolicies.DEFAULT_ROOT_NAMESPACE, previous, time);
  }

  /**
   * Compiles {@code config} for {@code workload}, whose Sidecar defaults may come from {@code
   * rootNamespace} (Istio's {@code meshConfig.rootNamespace}).
   *
   * @throws CompileFailure when anything (an {@link Error} included) fails, naming the resource being compiled
   */
  public static Result compile(long version, MeshConfig config, Workload workload, String rootNamespace,
      RouteTable previous, MeshTime time) {
    RouteTableCompiler compiler = new RouteTableCompiler(version, config, workload, rootNamespace, previous, time);
    try {
      return compiler.run();
    } catch (Throwable e) {
      throw new CompileFailure(compiler.compiling, compiler.compilingWhat, e);
    }
  }

  private void compiling(MeshResource resource, String what) {
    compiling = resource;
    compilingWhat = what;
  }

  /** {@link #compile(long, MeshConfig, Workload, RouteTable, MeshTime)} on the system clock. */
  public static Result compile(long version, MeshConfig config, Workload workload, RouteTable previous) {
    return compile(version, config, workload, previous, MeshTime.system());
  }

  private Result run() {
    collectServices();
    buildClusters();
    warnUnusedDestinationRules();
    Map<String, VirtualService> vsByHost = virtualServicesByHost();

    Map<String, ServiceRoutes> exact = new LinkedHashMap<>();
    Map<String, ServiceRoutes> wildcard = new LinkedHashMap<>();
    for (Map.Entry<String, VirtualService> e : vsByHost.entrySet()) {
      compiling(e.getValue(), "routes of " + e.getKey());
      ServiceRoutes routes = new ServiceRoutes(e.getKey(), e.getValue(), compileRoutes(e.getValue(), e.getKey()),
          onlyPort(e.getKey()));
      (HostNames.isWildcard(e.getKey()) ? wildcard : exact).put(e.getKey(), routes);
    }
    for (String host : services.keySet()) {
      if (exact.containsKey(host) || wildcard.containsKey(host)) {
        continue;
      }
      compiling(services.get(host), "default route of " + host);
      ServiceRoutes viaWildcard = HostNames.isWildcard(host) ? null : mostSpecific(wildcard, host);
      ServiceRoutes routes = viaWildcard != null ? viaWildcard : defaultRoutes(host);
      (HostNames.isWildcard(host) ? wildcard : exact).put(host, routes);
    }

    Map<String, ServiceRoutes> byName = new HashMap<>();
    for (Map.Entry<String, ServiceRoutes> e : exact.entrySet()) {
      for (String alias : HostNames.aliases(e.getKey(), workload.namespace())) {
        byName.putIfAbsent(alias, e.getValue());
      }
    }
    List<String> suffixes = new ArrayList<>(wildcard.keySet());
    suffixes.sort(Comparator.comparingInt(String::length).reversed());
    String[] wildcardSuffixes = new String[suffixes.size()];
    ServiceRoutes[] wildcardRoutes = new ServiceRoutes[suffixes.size()];
    for (int i = 0; i < suffixes.size(); i++) {
      wildcardSuffixes[i] = suffixes.get(i).substring(1); // "*.example.com" -> ".example.com", "*" -> ""
      wildcardRoutes[i] = wildcard.get(suffixes.get(i));
    }
    List<LocalRateLimit> inbound = new ArrayList<>();
    for (RateLimitPolicy rl : config.rateLimits()) {
      if (rl.selects(workload.labels()) && rl.id().namespace().equals(workload.namespace())) {
        compiling(rl, "server-side rate limit");
        inbound.add(rateLimits.computeIfAbsent(rl.id().toString(), k -> {
          LocalRateLimit old = previous.rateLimits().get(k);
          return old != null && old.sameSettings(rl) ? old : new LocalRateLimit(rl);
        }));
      }
    }
    compiling = null;
    compilingWhat = "";
    RouteTable table = new RouteTable(version, Map.copyOf(byName), wildcardSuffixes, wildcardRoutes,
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clusters)),
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rateLimits)), List.copyOf(inbound),
        byName.get(workload.labels().getOrDefault("app", workload.name())), sidecar);
    return new Result(table, List.copyOf(warnings));
  }

  // ---- services and clusters -------------------------------------------------------------------

  private void collectServices() {
    for (ServiceEntry se : config.serviceEntries()) {
      if (!se.visibleTo(workload.namespace())) {
        continue;
      }
      compiling(se, "hosts");
      for (int i = 0; i < se.hosts().size(); i++) {
        String host = se.hosts().get(i);
        if (!inScope(host, se)) {
          continue;
        }
        ServiceEntry first = services.putIfAbsent(host, se);
        if (first != null) {
          warn(se.id(), se.origin().location(), "hosts[" + i + "]",
              host + " is already defined by " + first.id() + "; this entry is ignored for it");
        }
      }
    }
  }

  /**
   * Whether {@code host}, defined by {@code resource}, is in the workload's Sidecar egress scope: the
   * one filter of the compile step (services, and the routes of hosts, outside it are unknown to the
   * table, so calls to them pass through or are refused as for any unknown host).
   */
  private boolean inScope(String host, MeshResource resource) {
    return Sidecar.inScope(sidecar, host, resource.id().namespace());
  }

  /**
   * A DestinationRule for a plain host (no wildcard) in scope that no service of the table took: its
   * host has no ServiceEntry (or another rule for the same host took precedence), so it applies to
   * nothing. Istio's {@code istioctl analyze} reports the same of such a rule.
   */
  private void warnUnusedDestinationRules() {
    for (DestinationRule dr : config.destinationRules()) {
      if (usedRules.contains(dr) || !dr.visibleTo(workload.namespace()) || HostNames.isWildcard(dr.host())
          || !inScope(dr.host(), dr)) {
        continue;
      }
      warn(dr.id(), dr.origin().location(), "host",
          dr.host() + " has no ServiceEntry (or another DestinationRule for it takes precedence); this rule applies to nothing");
    }
  }

  private void buildClusters() {
    for (Map.Entry<String, ServiceEntry> e : services.entrySet()) {
      String host = e.getKey();
      ServiceEntry se = e.getValue();
      DestinationRule dr = destinationRuleFor(host);
      if (dr != null) {
        usedRules.add(dr);
      }
      TrafficPolicy hostPolicy = dr == null ? TrafficPolicy.NONE : dr.trafficPolicy();
      for (ServicePort port : se.ports()) {
        List<Endpoint> endpoints = endpoints(host, se, port);
        addCluster(host, port.number(), null, Map.of(), endpoints, null, hostPolicy, se);
        if (dr == null) {
          continue;
        }
        for (int s = 0; s < dr.subsets().size(); s++) {
          Subset subset = dr.subsets().get(s);
          List<Endpoint> selected = new ArrayList<>();
          for (Endpoint ep : endpoints) {
            if (subset.selects(ep.labels())) {
              selected.add(ep);
            }
          }
          if (selected.isEmpty() && !endpoints.isEmpty()) {
            warn(dr.id(), dr.origin().location(), "subsets[" + s + "].labels",
                subset.labels() + " select no endpoint of " + host + " port " + port.number());
          }
          addCluster(host, port.number(), subset.name(), subset.labels(), selected, subset.trafficPolicy(), hostPolicy, se);
        }
      }
    }
  }

  private void addCluster(
      String host, int port, @Nullable String subset, Map<String, String> labels, List<Endpoint> endpoints,
      @Nullable TrafficPolicy subsetPolicy, TrafficPolicy hostPolicy, ServiceEntry se) {
    LoadBalancerSettings lb = TrafficPolicy.resolve(subsetPolicy, hostPolicy, port, TrafficPolicy::loadBalancerFor);
    ConnectionPoolSettings pool = TrafficPolicy.resolve(subsetPolicy, hostPolicy, port, TrafficPolicy::connectionPoolFor);
    OutlierDetection outlier = TrafficPolicy.resolve(subsetPolicy, hostPolicy, port, TrafficPolicy::outlierDetectionFor);
    RetryBudget budget = TrafficPolicy.resolve(subsetPolicy, hostPolicy, port, TrafficPolicy::retryBudgetFor);
    ClientTlsSettings tls = TrafficPolicy.resolve(subsetPolicy, hostPolicy, port, TrafficPolicy::tlsFor);
    if (tls != null) {
      // As istiod: the service's identities (all its endpoints', not the subset's), for ISTIO_MUTUAL without subjectAltNames.
      tls = tls.withRegistry(ServerIdentities.of(se, selected(se)));
    }
    CircuitBreakerPolicy breaker = circuitBreakerFor(host, subset);
    compiling(breaker != null ? breaker : se, "cluster " + ClusterName.format(host, port, subset));
    LoadBalancerSettings settings = lb != null ? lb : LoadBalancerSettings.DEFAULT;
    boolean passthrough = se.resolution() == ServiceEntry.Resolution.NONE
        || settings.simple() == LoadBalancerSettings.Simple.PASSTHROUGH;
    Cluster old = previous.cluster(ClusterName.format(host, port, subset));
    String name = ClusterName.format(host, port, subset);
    LocalityPlan plan = passthrough ? null : LocalityPlan.of(settings.locality(), endpoints, workload, outlier != null);
    List<Endpoint> kept = plan == null ? endpoints : plan.kept(endpoints);
    Cluster cluster = old != null && old.unchanged(settings, labels, kept, passthrough, pool, outlier, budget, breaker, tls)
        ? old
        : new Cluster(host, port, subset, labels, settings,
            passthrough ? null : LoadBalancers.create(settings, kept),
            plan, plan == null ? null : LocalityLevels.compile(settings, endpoints, plan),
            HashPolicy.of(settings.consistentHash(), workload.address()),
            new ClusterPolicy(name, pool, outlier, budget, breaker, time), tls, time);
    clusters.put(cluster.name(), cluster);
  }

  private List<Endpoint> endpoints(String host, ServiceEntry se, ServicePort port) {
    List<Endpoint> out = new ArrayList<>();
    if (se.resolution() == ServiceEntry.Resolution.NONE) {
      return out;
    }
    int defaultTarget = port.targetPort() > 0 ? port.targetPort() : port.number();
    if (se.endpoints().isEmpty() && se.workloadSelector() == null && se.resolution() != ServiceEntry.Resolution.STATIC
        && !HostNames.isWildcard(host)) {
      out.add(reuse(host, port.number(), new Endpoint(host, defaultTarget, Map.of(), 1, null)));
      return out;
    }
    for (WorkloadEndpoint we : selected(se)) {
      Integer named = port.name() == null ? null : we.ports().get(port.name());
      int target = named != null ? named : defaultTarget;
      Endpoint ep = new Endpoint(we.address(), target, we.labels(), Math.max(1, we.weight()), we.locality(),
          we.network(), we.priority(), we.localityWeight());
      out.add(reuse(host, port.number(), ep));
    }
    return out;
  }

  /** The ServiceEntry's endpoints (its WorkloadEntries' with a workloadSelector), selected once per compile. */
  private List<WorkloadEndpoint> selected(ServiceEntry se) {
    if (se.workloadSelector() == null) {
      return se.endpoints();
    }
    return selections.computeIfAbsent(se, s -> {
      WorkloadSelection.Selected selected = WorkloadSelection.of(s, config.workloadEntries());
      for (String why : selected.leftOut()) {
        warn(s.id(), s.origin().location(), "workloadSelector", why);
      }
      return selected.endpoints();
    });
  }

  private Endpoint reuse(String host, int port, Endpoint fresh) {
    Endpoint old = previousEndpoints.get(endpointKey(host, port, fresh));
    return old != null && old.sameDefinition(fresh) ? old : fresh;
  }

  private static EndpointKey endpointKey(String host, int port, Endpoint e) {
    return new EndpointKey(host, port, e.address(), e.port());
  }

  /** An endpoint of a service port, across compiles (a record: no key string per endpoint, nor its {@code hostPort}). */
  private record EndpointKey(String host, int port, String address, int endpointPort) {}

  /** The Meshlet CircuitBreaker for the cluster of {@code host} and {@code subset}, or null. */
  private @Nullable CircuitBreakerPolicy circuitBreakerFor(String host, @Nullable String subset) {
    for (CircuitBreakerPolicy cb : config.circuitBreakers()) {
      if (cb.host().equals(host) && cb.visibleTo(workload.namespace()) && cb.covers(subset)) {
        return cb;
      }
    }
    return null;
  }

  /** The rate limit of a rule named {@code routeName} for calls to {@code host}, kept from the last table if unchanged. */
  private @Nullable LocalRateLimit rateLimitFor(String host, @Nullable String routeName) {
    for (RateLimitPolicy rl : config.rateLimits()) {
      if (!rl.serverSide() && rl.host().equals(host) && rl.visibleTo(workload.namespace()) && rl.covers(routeName)) {
        return rateLimits.computeIfAbsent(rl.id().toString(), k -> {
          LocalRateLimit old = previous.rateLimits().get(k);
          return old != null && old.sameSettings(rl) ? old : new LocalRateLimit(rl);
        });
      }
    }
    return null;
  }

  /** The DestinationRule for {@code host}: exact host first (this workload's namespace first), then the most specific wildcard. */
  private @Nullable DestinationRule destinationRuleFor(String host) {
    return ruleByHost.computeIfAbsent(host, h -> Optional.ofNullable(findDestinationRule(h))).orElse(null);
  }

  private @Nullable DestinationRule findDestinationRule(String host) {
    return DestinationRules.forHost(config, host, workload.namespace());
  }

  // ---- virtual services ------------------------------------------------------------------------

  private Map<String, VirtualService> virtualServicesByHost() {
    Map<String, VirtualService> byHost = new LinkedHashMap<>();
    for (VirtualService vs : config.virtualServices()) {
      if (!vs.visibleTo(workload.namespace())) {
        continue;
      }
      compiling(vs, "hosts");
      if (!vs.appliesToMesh()) {
        warn(vs.id(), vs.origin().location(), "gateways",
            vs.gateways() + " do not include mesh: this VirtualService applies to gateways only and Meshlet clients ignore it");
        continue;
      }
      for (int i = 0; i < vs.hosts().size(); i++) {
        String host = vs.hosts().get(i);
        if (!inScope(host, vs)) {
          continue;
        }
        VirtualService first = byHost.putIfAbsent(host, vs);
        if (first != null && first != vs) {
          warn(vs.id(), vs.origin().location(), "hosts[" + i + "]",
              host + " is already routed by " + first.id() + "; this VirtualService is ignored for it");
        }
      }
    }
    return byHost;
  }

  private CompiledRoute[] compileRoutes(VirtualService vs, String host) {
    CompiledRoute[] routes = new CompiledRoute[vs.http().size()];
    for (int i = 0; i < routes.length; i++) {
      HttpRoute route = vs.http().get(i);
      CompiledMatch[] matches = new CompiledMatch[route.matches().size()];
      for (int m = 0; m < matches.length; m++) {
        HttpMatch match = route.matches().get(m);
        matches[m] = new CompiledMatch(match, match.inactiveReason(workload.namespace(), workload.labels()));
      }
      // A rule merged from a delegate: its destinations are the delegate's, and so are the warnings about them.
      DelegatedRule from = route.delegatedFrom();
      Source source = from == null ? new Source(vs.id(), vs.origin(), delegation.sourceRule(vs.id(), i)) : new Source(from.delegate(), from.delegateOrigin(), from.delegateRule());
      CompiledDestination[] destinations = new CompiledDestination[route.destinations().size()];
      for (int d = 0; d < destinations.length; d++) {
        RouteDestination rd = route.destinations().get(d);
        String path = "http[" + source.rule() + "].route[" + d + "].destination";
        destinations[d] = compileDestination(rd.destination(), rd.weight(), rd.headers(), source, path);
      }
      CompiledMirror[] mirrors = new CompiledMirror[route.mirrors().size()];
      for (int m = 0; m < mirrors.length; m++) {
        MirrorPolicy mp = route.mirrors().get(m);
        String path = "http[" + source.rule() + "]." + (route.mirrors().size() == 1 ? "mirror" : "mirrors[" + m + "].destination");
        mirrors[m] = new CompiledMirror(compileDestination(mp.destination(), 100, HeaderOperations.NONE, source, path), mp.millionths());
      }
      routes[i] = new CompiledRoute(vs, i, route, matches, destinations, rateLimitFor(host, route.name()), mirrors);
    }
    return routes;
  }

  private ServiceRoutes defaultRoutes(String host) {
    Destination self = new Destination(host, null, 0);
    CompiledDestination d = compileDestination(self, 100, HeaderOperations.NONE, null, "");
    HttpRoute route = new HttpRoute(null, List.of(), List.of(new RouteDestination(self, 100, HeaderOperations.NONE)),
        null, null, null, HeaderOperations.NONE);
    return new ServiceRoutes(host, null, new CompiledRoute[] {
        new CompiledRoute(null, -1, route, new CompiledMatch[0], new CompiledDestination[] {d}, rateLimitFor(host, null),
            new CompiledMirror[0])}, onlyPort(host));
  }

  /** The one port the ServiceEntry of {@code host} declares, else 0 (none, several, or no ServiceEntry). */
  private int onlyPort(String host) {
    ServiceEntry se = HostNames.isWildcard(host) ? null : services.get(host);
    return se != null && se.ports().size() == 1 ? se.ports().get(0).number() : 0;
  }

  /** The resource a compiled rule's warnings name: its VirtualService, or the delegate it was merged from. */
  private record Source(ResourceId id, ResourceOrigin origin, int rule) {}

  private CompiledDestination compileDestination(
      Destination dest, int weight, HeaderOperations headers, @Nullable Source vs, String path) {
    String host = dest.host();
    ServiceEntry se = services.get(host);
    String serviceKey = host;
    if (se == null) {
      // The most specific wildcard ServiceEntry host that covers this one.
      for (Map.Entry<String, ServiceEntry> e : services.entrySet()) {
        if (HostNames.isWildcard(e.getKey()) && HostNames.matches(e.getKey(), host)
            && (se == null || e.getKey().length() > serviceKey.length())) {
          se = e.getValue();
          serviceKey = e.getKey();
        }
      }
    }
    if (se == null) {
      String problem = "destination " + host + " is not known to the mesh (no ServiceEntry defines it)";
      if (vs != null) {
        warn(vs.id(), vs.origin().location(), path + ".host", host + " has no ServiceEntry; requests routed there fail");
      }
      return new CompiledDestination(dest, weight, headers, new int[0], new Cluster[0], problem);
    }
    String subset = dest.subset();
    if (subset != null) {
      DestinationRule dr = destinationRuleFor(serviceKey);
      if (dr == null || dr.subset(subset) == null) {
        String problem = "subset " + subset + " of " + host + " is not defined by any DestinationRule";
        if (vs != null) {
          warn(vs.id(), vs.origin().location(), path + ".subset", problem + "; requests routed there fail");
        }
        return new CompiledDestination(dest, weight, headers, new int[0], new Cluster[0], problem);
      }
    }
    List<ServicePort> ports = se.ports();
    List<Integer> portNumbers = new ArrayList<>();
    List<Cluster> portClusters = new ArrayList<>();
    for (ServicePort p : ports) {
      Cluster c = clusters.get(ClusterName.format(serviceKey, p.number(), subset));
      if (c != null) {
        portNumbers.add(p.number());
        portClusters.add(c);
      }
    }
    if (dest.port() > 0 && !portNumbers.contains(dest.port()) && vs != null) {
      warn(vs.id(), vs.origin().location(), path + ".port.number",
          dest.port() + " is not a port of " + host + " " + portNumbers + "; requests routed there fail");
    }
    return new CompiledDestination(dest, weight, headers, portNumbers.stream().mapToInt(Integer::intValue).toArray(),
        portClusters.toArray(new Cluster[0]), null);
  }

  private static @Nullable ServiceRoutes mostSpecific(Map<String, ServiceRoutes> wildcard, String host) {
    ServiceRoutes best = null;
    int bestLength = -1;
    for (Map.Entry<String, ServiceRoutes> e : wildcard.entrySet()) {
      if (HostNames.matches(e.getKey(), host) && e.getKey().length() > bestLength) {
        best = e.getValue();
        bestLength = e.getKey().length();
      }
    }
    return best;
  }

  private void warn(ResourceId id, String location, String path, String message) {
    warnings.add(ConfigProblem.warning(id, location, path, message));
  }
}
