package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.meshlet.core.config.ConfigLimits;
import io.meshlet.core.model.CorsPolicy;
import io.meshlet.core.model.DirectResponse;
import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.HttpRedirect;
import io.meshlet.core.model.HttpRewrite;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.MirrorPolicy;
import io.meshlet.core.model.RetryPolicy;
import io.meshlet.core.model.RouteDestination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A RouteConfiguration into rules per virtual host, each rule matching any port (the listener's
 * port is set when the rules are placed in a VirtualService).
 */
final class RouteTranslator {
  private RouteTranslator() {}

  /** The rules of one virtual host, and the model hosts its domains name. */
  record VirtualHostRules(List<String> hosts, List<HttpRoute> rules) {}

  /**
   * A translated RouteConfiguration.
   *
   * @param hashes the hash policies of the routes, by the cluster names they send to
   */
  record Routes(String name, List<VirtualHostRules> virtualHosts, Map<String, List<ConsistentHash>> hashes) {}

  /**
   * @param path the path of the RouteConfiguration inside its resource ("" for an RDS resource)
   * @return the routes, or null when the RouteConfiguration cannot be used (errors in {@code problems})
   */
  static @Nullable Routes translate(RouteConfiguration rc, String namespace, String path, Problems problems) {
    String prefix = path.isEmpty() ? "" : path + ".";
    int errors = problems.errorCount();
    if (rc.hasVhds()) {
      problems.error(prefix + "vhds", "not supported (expected: virtual_hosts only)");
    }
    if (rc.getRequestHeadersToAddCount() + rc.getRequestHeadersToRemoveCount() + rc.getResponseHeadersToAddCount()
        + rc.getResponseHeadersToRemoveCount() > 0) {
      problems.ignored(prefix + "request_headers_to_add", "header operations of a whole RouteConfiguration are not applied; set them on routes");
    }
    List<VirtualHostRules> vhosts = new ArrayList<>();
    Map<String, List<ConsistentHash>> hashes = new LinkedHashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int v = 0; v < rc.getVirtualHostsCount(); v++) {
      VirtualHost vh = rc.getVirtualHosts(v);
      String vp = prefix + "virtual_hosts[" + v + "]";
      List<String> hosts = Domains.hosts(vh.getDomainsList(), namespace, vp + ".domains", problems);
      for (String h : hosts) {
        Integer first = seen.putIfAbsent(h, v);
        if (first != null) {
          problems.error(vp + ".domains", "'" + h + "' is also a domain of virtual_hosts[" + first + "] (expected: unique domains)");
        }
      }
      vhosts.add(new VirtualHostRules(hosts, virtualHost(vh, vp, problems, hashes)));
    }
    return problems.errorCount() > errors ? null : new Routes(rc.getName(), vhosts, hashes);
  }

  private static List<HttpRoute> virtualHost(
      VirtualHost vh, String path, Problems problems, Map<String, List<ConsistentHash>> hashes) {
    if (vh.getRequestHeadersToAddCount() + vh.getRequestHeadersToRemoveCount() + vh.getResponseHeadersToAddCount()
        + vh.getResponseHeadersToRemoveCount() > 0) {
      problems.ignored(path + ".request_headers_to_add", "header operations of a virtual host are not applied; set them on routes");
    }
    if (vh.getRequestMirrorPoliciesCount() > 0) {
      problems.ignored(path + ".request_mirror_policies", "mirror policies of a virtual host are not applied; set them on routes");
    }
    if (vh.hasCors()) {
      problems.ignored(path + ".cors", "deprecated; set the CORS filter's CorsPolicy in typed_per_filter_config");
    }
    if (vh.hasHedgePolicy()) {
      problems.ignored(path + ".hedge_policy", "hedging is not applied by Meshlet");
    }
    if (vh.hasMatcher()) {
      problems.error(path + ".matcher", "not supported (expected: routes)");
    }
    RetryPolicy vhRetries = RetryTranslator.translate(vh.hasRetryPolicy() ? vh.getRetryPolicy() : null,
        path + ".retry_policy", problems);
    FaultInjection vhFault = FaultTranslator.perRoute(vh.getTypedPerFilterConfigMap(), path, problems);
    CorsPolicy vhCors = CorsTranslator.perRoute(vh.getTypedPerFilterConfigMap(), path, problems);
    List<HttpRoute> out = new ArrayList<>();
    String tooMany = ConfigLimits.httpRulesProblem(vh.getRoutesCount());
    if (tooMany != null) {
      problems.error(path + ".routes", tooMany);
      return out;
    }
    for (int r = 0; r < vh.getRoutesCount(); r++) {
      HttpRoute route = route(vh.getRoutes(r), path + ".routes[" + r + "]", vhRetries, vhFault, vhCors, problems, hashes);
      if (route != null) {
        out.add(route);
      }
    }
    return out;
  }

  private static @Nullable HttpRoute route(
      Route r, String path, RetryPolicy vhRetries, @Nullable FaultInjection vhFault, @Nullable CorsPolicy vhCors,
      Problems problems, Map<String, List<ConsistentHash>> hashes) {
    int errors = problems.errorCount();
    HttpMatch match = MatchTranslator.translate(r.getMatch(), path + ".match", problems);
    List<RouteDestination> destinations = List.of();
    HttpRedirect redirect = null;
    DirectResponse direct = null;
    HttpRewrite rewrite = null;
    Duration timeout = null;
    RetryPolicy retries = null;
    List<MirrorPolicy> mirrors = List.of();
    switch (r.getActionCase()) {
      case ROUTE:
        RouteAction a = r.getRoute();
        String ap = path + ".route";
        destinations = ActionTranslator.destinations(a, ap, problems);
        rewrite = ActionTranslator.rewrite(a, ap, problems);
        timeout = ActionTranslator.timeout(a, ap, problems);
        retries = a.hasRetryPolicy()
            ? RetryTranslator.translate(a.getRetryPolicy(), ap + ".retry_policy", problems)
            : vhRetries;
        ActionTranslator.hashPolicy(a, ap, problems, hashes);
        mirrors = MirrorTranslator.translate(a.getRequestMirrorPoliciesList(), ap, problems);
        actionExtras(a, ap, problems);
        break;
      case REDIRECT:
        redirect = RedirectTranslator.redirect(r.getRedirect(), path + ".redirect", problems);
        break;
      case DIRECT_RESPONSE:
        direct = RedirectTranslator.directResponse(r.getDirectResponse(), path + ".direct_response", problems);
        break;
      case FILTER_ACTION:
      case NON_FORWARDING_ACTION:
        problems.error(path, r.getActionCase().name().toLowerCase(java.util.Locale.ROOT)
            + " is not supported (expected: route, redirect or direct_response)");
        break;
      case ACTION_NOT_SET:
      default:
        problems.error(path, "no action (expected: one of route, redirect, direct_response)");
        break;
    }
    HeaderOperations headers = HeaderTranslator.translate(r.getRequestHeadersToAddList(),
        r.getRequestHeadersToRemoveList(), r.getResponseHeadersToAddList(), r.getResponseHeadersToRemoveList(),
        path, problems);
    FaultInjection fault = FaultTranslator.perRoute(r.getTypedPerFilterConfigMap(), path, problems);
    CorsPolicy cors = CorsTranslator.perRoute(r.getTypedPerFilterConfigMap(), path, problems);
    if (problems.errorCount() > errors || match == null) {
      return null;
    }
    List<HttpMatch> matches = isAny(match) ? List.of() : List.of(match);
    String name = r.getName().isEmpty() ? null : r.getName();
    return new HttpRoute(name, matches, destinations, redirect, direct, rewrite, headers, timeout, retries,
        fault != null ? fault : vhFault, mirrors, cors != null ? cors : vhCors);
  }

  private static void actionExtras(RouteAction a, String path, Problems problems) {
    if (a.hasCors()) {
      problems.ignored(path + ".cors", "deprecated; set the CORS filter's CorsPolicy in typed_per_filter_config");
    }
    if (a.hasHedgePolicy()) {
      problems.ignored(path + ".hedge_policy", "hedging is not applied by Meshlet");
    }
    if (a.hasMetadataMatch()) {
      problems.error(path + ".metadata_match", "not supported (expected: Istio's subset clusters, outbound|<port>|<subset>|<host>)");
    }
    if (a.hasRetryPolicyTypedConfig()) {
      problems.ignored(path + ".retry_policy_typed_config", "not applied by Meshlet");
    }
  }

  private static boolean isAny(HttpMatch m) {
    return m.equals(HttpMatch.any());
  }

  /** {@code m} restricted to {@code port} (0: unchanged). */
  static HttpMatch withPort(HttpMatch m, int port) {
    return new HttpMatch(m.name(), m.uri(), m.scheme(), m.method(), m.authority(), m.headers(), m.withoutHeaders(),
        m.queryParams(), port, m.ignoreUriCase(), m.sourceLabels(), m.sourceNamespace(), m.gateways());
  }
}
