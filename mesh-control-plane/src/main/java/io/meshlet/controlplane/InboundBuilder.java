package io.meshlet.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.RateLimitPolicy;
import io.meshlet.core.model.Workload;
import io.meshlet.core.security.DryRunCount;
import io.meshlet.core.security.InboundPolicies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's inbound listener (named from its {@code server_listener_resource_name_template}, {@code
 * host:port} at the end) as istiod's {@code grpcgen/lds.go} writes it: per mTLS mode of the port a
 * filter chain with a DownstreamTlsContext (STRICT), a plaintext one (DISABLE) or both (PERMISSIVE,
 * which istiod itself serves as plaintext; written here as both so that the client reads PERMISSIVE
 * back), each with an HttpConnectionManager whose filters are the jwt_authn filter of the
 * RequestAuthentications that apply ({@link JwtAuthnBuilder}), the RBAC DENY filter, the RBAC ALLOW
 * filter, a local rate limit for a server-side RateLimit, and the router.
 *
 * <p>Policies apply as Istio selects them: from the node's namespace (no selector, or one matching
 * its labels) and from the root namespace ({@code MeshControlPlane.Builder.rootNamespace}, by default
 * {@value InboundPolicies#DEFAULT_ROOT_NAMESPACE}; mesh-wide); the narrowest PeerAuthentication that
 * sets a mode for the port wins (workload, namespace, mesh; PERMISSIVE when none does). Unlike
 * istiod, an ALLOW policy without rules is kept: it allows nothing.
 *
 * <p>As mesh-core's {@code InboundPolicies} decides: a {@code CUSTOM} policy fails closed (there is no
 * external authorizer), so each of its rules is served as a DENY policy named {@code
 * custom-<namespace>-<name>-<i>}; {@code AUDIT} never changes a decision and is not served; a policy
 * with {@code targetRef(s)} applies to no workload and is not served. A policy in dry-run ({@code
 * istio.io/dry-run: "true"}) is served as istiod serves it: in the {@code shadow_rules} of the DENY
 * filter (DENY and CUSTOM) or of the ALLOW filter, with stat prefix {@code istio_dry_run_deny_} or
 * {@code istio_dry_run_allow_}; a filter with only shadow rules has no {@code rules} and enforces nothing.
 */
final class InboundBuilder {
  private static final Logger logger = LoggerFactory.getLogger(InboundBuilder.class);
  static final String RBAC_ALLOW = "envoy.filters.http.rbac";
  static final String RBAC_DENY = "envoy.filters.http.rbac.DENY";
  static final String LOCAL_RATE_LIMIT = "envoy.filters.http.local_ratelimit";
  static final String ROOT = InboundPolicies.DEFAULT_ROOT_NAMESPACE;
  static final String CUSTOM_PREFIX = "custom-";
  /** istiod's {@code shadow_rules_stat_prefix} for dry-run DENY (and CUSTOM) policies. */
  static final String DRY_RUN_DENY_PREFIX = DryRunCount.DENY_ENGINE;
  /** istiod's {@code shadow_rules_stat_prefix} for dry-run ALLOW policies. */
  static final String DRY_RUN_ALLOW_PREFIX = DryRunCount.ALLOW_ENGINE;

  private InboundBuilder() {}

  /** The listener {@code name} for {@code node}, or null when the name ends in no port. */
  static @Nullable Listener build(String name, MeshConfig config, NodeKey node) {
    return build(name, config, node, ROOT);
  }

  /** The listener {@code name} for {@code node}, with {@code root} as the root namespace; null when the name ends in no port. */
  static @Nullable Listener build(String name, MeshConfig config, NodeKey node, String root) {
    int colon = name.lastIndexOf(':');
    int port;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(name.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      logger.warn("inbound listener {} of node group {}: no port at the end of the name; not served", name, node);
      return null;
    }
    String host = name.substring(name.lastIndexOf('/', colon) + 1, colon);
    List<HttpFilter> filters = filters(config, node, root);
    Listener.Builder l = Listener.newBuilder().setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
            .setAddress(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host)
            .setPortValue(port)));
    MtlsMode mode = mode(config, node, port, root);
    if (mode == MtlsMode.STRICT || mode == MtlsMode.PERMISSIVE) {
      l.addFilterChains(chain("mtls", true, mode == MtlsMode.PERMISSIVE ? "tls" : null, filters));
    }
    if (mode == MtlsMode.DISABLE || mode == MtlsMode.PERMISSIVE) {
      l.addFilterChains(chain("plaintext", false, mode == MtlsMode.PERMISSIVE ? "raw_buffer" : null, filters));
    }
    return l.build();
  }

  /**
   * The mode for {@code port}, decided by mesh-core's own engine ({@link InboundPolicies#mtlsMode}) for
   * a workload with the node's namespace and labels, so the control plane serves what a mesh reading
   * the same YAML enforces.
   */
  static MtlsMode mode(MeshConfig config, NodeKey node, int port) {
    return mode(config, node, port, ROOT);
  }

  /** {@link #mode(MeshConfig, NodeKey, int)} with {@code root} as the root namespace. */
  static MtlsMode mode(MeshConfig config, NodeKey node, int port, String root) {
    return InboundPolicies.compile(config, workload(node), root).mtlsMode(port);
  }

  /** The node as the engine sees a workload: namespace and labels (name and address play no part). */
  private static Workload workload(NodeKey node) {
    return new Workload("", node.namespace(), node.labels(), "");
  }

  private static List<HttpFilter> filters(MeshConfig config, NodeKey node, String root) {
    Map<String, Policy> custom = new LinkedHashMap<>();
    Map<String, Policy> deny = new LinkedHashMap<>();
    Map<String, Policy> allow = new LinkedHashMap<>();
    Map<String, Policy> shadowDeny = new LinkedHashMap<>();
    Map<String, Policy> shadowAllow = new LinkedHashMap<>();
    boolean anyAllow = false;
    for (AuthorizationPolicy p : config.authorizationPolicies()) {
      // Selection only: a policy with targetRefs is selected here and skipped below, as the engine does.
      if (!p.appliesTo(node.namespace(), node.labels(), root)) {
        continue;
      }
      if (!p.targetRefs().isEmpty()) {
        logger.info("{}: names targetRefs {}, so it applies to no workload (as the engine decides); not served to node group {}",
            p.id(), p.targetRefs(), node);
        continue;
      }
      if (p.action() == AuthorizationPolicy.Action.AUDIT) {
        logger.debug("{}: AUDIT never changes a decision; not served", p.id());
        continue;
      }
      boolean isCustom = p.action() == AuthorizationPolicy.Action.CUSTOM;
      if (isCustom) {
        logger.info("{}: CUSTOM (external authorization) is not supported; its rules are served as DENY policies {}{}-{}-<i> "
            + "(fail closed, as the engine decides)", p.id(), CUSTOM_PREFIX, p.id().namespace(), p.id().name());
      }
      anyAllow |= p.action() == AuthorizationPolicy.Action.ALLOW && !p.dryRun();
      for (int i = 0; i < p.rules().size(); i++) {
        Policy rbac = RbacBuilder.policy(p.rules().get(i));
        String name = (isCustom ? CUSTOM_PREFIX : "") + p.id().namespace() + "-" + p.id().name() + "-" + i;
        if (rbac == null) {
          logger.info("{} rules[{}]: matches no call (it needs destination.ip or connection.sni, which are absent here, "
              + "as the engine decides); nothing to serve", p.id(), i);
          continue;
        }
        Map<String, Policy> into = p.dryRun()
            ? (p.action() == AuthorizationPolicy.Action.ALLOW ? shadowAllow : shadowDeny)
            : isCustom ? custom : p.action() == AuthorizationPolicy.Action.DENY ? deny : allow;
        // <ns>-<name>-<i> is not unique (ns a-b name c, ns a name b-c): never let one rule replace another.
        String unique = name;
        for (int n = 2; into.containsKey(unique) || (isCustom ? deny : custom).containsKey(unique); n++) {
          unique = name + "-" + n;
        }
        into.put(unique, rbac);
      }
    }
    // CUSTOM first, as the engine (and Istio) checks it before DENY; both deny, so only the reason differs.
    custom.putAll(deny);
    deny = custom;
    List<HttpFilter> filters = new ArrayList<>();
    HttpFilter jwt = JwtAuthnBuilder.build(config, node, root);
    if (jwt != null) {
      filters.add(jwt); // before RBAC, as istiod orders them: authorization reads the validated token
    }
    if (!deny.isEmpty() || !shadowDeny.isEmpty()) {
      filters.add(rbac(RBAC_DENY, RBAC.Action.DENY, deny.isEmpty() ? null : deny, shadowDeny, DRY_RUN_DENY_PREFIX));
    }
    if (anyAllow || !shadowAllow.isEmpty()) {
      filters.add(rbac(RBAC_ALLOW, RBAC.Action.ALLOW, anyAllow ? allow : null, shadowAllow, DRY_RUN_ALLOW_PREFIX));
    }
    for (RateLimitPolicy rl : config.rateLimits()) {
      if (rl.serverSide() && rl.selects(node.labels()) && rl.id().namespace().equals(node.namespace())) {
        filters.add(localRateLimit(rl));
        break; // the client reads one limit per listener
      }
    }
    return filters;
  }

  /**
   * An RBAC filter: {@code policies} enforced (null: no {@code rules}, so Envoy enforces nothing),
   * {@code shadow} as its {@code shadow_rules} with istiod's stat prefix (dry-run policies).
   */
  private static HttpFilter rbac(String name, RBAC.Action action, @Nullable Map<String, Policy> policies,
      Map<String, Policy> shadow, String shadowPrefix) {
    io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.Builder filter =
        io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder();
    if (policies != null) {
      filter.setRules(RBAC.newBuilder().setAction(action).putAllPolicies(policies));
    }
    if (!shadow.isEmpty()) {
      filter.setShadowRules(RBAC.newBuilder().setAction(action).putAllPolicies(shadow)).setShadowRulesStatPrefix(shadowPrefix);
    }
    return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(filter.build())).build();
  }

  private static HttpFilter localRateLimit(RateLimitPolicy rl) {
    RuntimeFractionalPercent all = RuntimeFractionalPercent.newBuilder().setRuntimeKey("local_rate_limit_enabled")
        .setDefaultValue(FractionalPercent.newBuilder().setNumerator(100).setDenominator(FractionalPercent.DenominatorType.HUNDRED))
        .build();
    LocalRateLimit l = LocalRateLimit.newBuilder().setStatPrefix("http_local_rate_limiter")
        .setTokenBucket(TokenBucket.newBuilder().setMaxTokens(rl.limitForPeriod())
            .setTokensPerFill(UInt32Value.of(rl.limitForPeriod())).setFillInterval(Protos.duration(rl.limitRefreshPeriod())))
        .setFilterEnabled(all).setFilterEnforced(all).build();
    return HttpFilter.newBuilder().setName(LOCAL_RATE_LIMIT).setTypedConfig(Any.pack(l)).build();
  }

  private static FilterChain chain(String suffix, boolean mtls, @Nullable String transportProtocol, List<HttpFilter> filters) {
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setRouteConfig(RouteConfiguration.newBuilder().setName("inbound").addVirtualHosts(VirtualHost.newBuilder()
            .setName("inbound").addDomains("*").addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setNonForwardingAction(NonForwardingAction.getDefaultInstance()))))
        .addAllHttpFilters(filters)
        .addHttpFilters(HttpFilter.newBuilder().setName(SnapshotBuilder.ROUTER_FILTER).setTypedConfig(Any.pack(Router.getDefaultInstance())));
    FilterChain.Builder c = FilterChain.newBuilder().setName("inbound-" + suffix)
        .addFilters(Filter.newBuilder().setName("inbound-hcm" + suffix).setTypedConfig(Any.pack(hcm.build())));
    if (transportProtocol != null) {
      c.setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol(transportProtocol));
    }
    if (mtls) {
      c.setTransportSocket(TlsBuilder.downstream());
    }
    return c.build();
  }
}
