package io.meshlet.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.util.List;
import java.util.Map;

/**
 * Security resources as istiod's proxyless generator writes them ({@code grpcgen/lds.go},
 * {@code cds.go}, and the RBAC of {@code security/authz/model}): the inbound listener of reviews on
 * port 9080, its RBAC filters, and UpstreamTlsContext. Public for the ADS tests in {@code io.meshlet.xds}.
 */
public final class IstiodSecurity {
  public static final String INBOUND = "xds.istio.io/grpc/lds/inbound/0.0.0.0:9080";
  public static final String PRODUCTPAGE = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";

  private IstiodSecurity() {}

  /** The inbound listener with one chain: mutual TLS (STRICT) when {@code mtls}, else plaintext (DISABLE). */
  public static Listener inbound(String name, int port, boolean mtls, List<HttpFilter> filters) {
    Listener.Builder l = Listener.newBuilder().setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port)));
    l.addFilterChains(chain(mtls, filters));
    return l.build();
  }

  public static FilterChain chain(boolean mtls, List<HttpFilter> filters) {
    String suffix = mtls ? "mtls" : "plaintext";
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setRouteConfig(RouteConfiguration.newBuilder().setName("inbound").addVirtualHosts(VirtualHost.newBuilder()
            .addDomains("*").addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setNonForwardingAction(NonForwardingAction.getDefaultInstance()))));
    filters.forEach(hcm::addHttpFilters);
    hcm.addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())));
    FilterChain.Builder c = FilterChain.newBuilder().setName("inbound-" + suffix)
        .addFilters(Filter.newBuilder().setName("inbound-hcm" + suffix).setTypedConfig(Any.pack(hcm.build())));
    if (mtls) {
      c.setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
          .setTypedConfig(Any.pack(DownstreamTlsContext.newBuilder().setCommonTlsContext(common(List.of()))
              .setRequireClientCertificate(BoolValue.of(true)).build())));
    }
    return c.build();
  }

  /** istio-agent's certificate provider "default": certificate "default", roots "ROOTCA"; ALPN h2, as istiod writes it. */
  public static CommonTlsContext common(List<String> sans) {
    CertificateValidationContext.Builder v = CertificateValidationContext.newBuilder();
    sans.forEach(s -> v.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(s)));
    return CommonTlsContext.newBuilder()
        .setTlsCertificateCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
            .setInstanceName("default").setCertificateName("default"))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(v)
            .setValidationContextCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
                .setInstanceName("default").setCertificateName("ROOTCA")))
        .addAlpnProtocols("h2")
        .build();
  }

  public static TransportSocket upstreamTls(List<String> sans, String sni) {
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
        .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder().setCommonTlsContext(common(sans)).setSni(sni).build()))
        .build();
  }

  /** An RBAC filter as istiod names them: {@code envoy.filters.http.rbac} (ALLOW) or {@code ...rbac.DENY}. */
  public static HttpFilter rbac(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action action, Map<String, Policy> policies) {
    String name = action == io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.DENY ? "envoy.filters.http.rbac.DENY" : "envoy.filters.http.rbac";
    return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(RBAC.newBuilder()
        .setRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder().setAction(action).putAllPolicies(policies)).build()))
        .build();
  }

  public static HttpFilter localRateLimit(int tokens, long fillSeconds) {
    RuntimeFractionalPercent all = RuntimeFractionalPercent.newBuilder().setRuntimeKey("local_rate_limit")
        .setDefaultValue(FractionalPercent.newBuilder().setNumerator(100)).build();
    return HttpFilter.newBuilder().setName("envoy.filters.http.local_ratelimit").setTypedConfig(Any.pack(LocalRateLimit.newBuilder()
        .setStatPrefix("http_local_rate_limiter")
        .setTokenBucket(TokenBucket.newBuilder().setMaxTokens(tokens).setTokensPerFill(UInt32Value.of(tokens))
            .setFillInterval(com.google.protobuf.Duration.newBuilder().setSeconds(fillSeconds)))
        .setFilterEnabled(all).setFilterEnforced(all).build())).build();
  }

  /** deny-delete (rule 0): {@code to: [{operation: {methods: [DELETE]}}]}. */
  public static Policy denyDelete() {
    return Policy.newBuilder()
        .addPermissions(and(or(method("DELETE"))))
        .addPrincipals(Principal.newBuilder().setAndIds(Principal.Set.newBuilder().addIds(Principal.newBuilder().setAny(true))))
        .build();
  }

  /**
   * allow-productpage (rule 0): from productpage's principal within 10.0.0.0/8, or from namespace
   * istio-system; to GET /reviews/* but not /reviews/admin; when request.headers[x-token] is abc.
   */
  public static Policy allowProductpage() {
    Principal token = or(Principal.newBuilder().setHeader(HeaderMatcher.newBuilder().setName("x-token")
        .setStringMatch(StringMatcher.newBuilder().setExact("abc"))).build());
    Principal fromProductpage = Principal.newBuilder().setAndIds(Principal.Set.newBuilder()
        .addIds(or(authenticated(StringMatcher.newBuilder().setExact(PRODUCTPAGE).build())))
        .addIds(or(Principal.newBuilder().setDirectRemoteIp(CidrRange.newBuilder().setAddressPrefix("10.0.0.0")
            .setPrefixLen(UInt32Value.of(8))).build()))
        .addIds(token)).build();
    Principal fromIstioSystem = Principal.newBuilder().setAndIds(Principal.Set.newBuilder()
        .addIds(or(authenticated(StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(".*/ns/istio-system/.*")).build())))
        .addIds(token)).build();
    Permission to = and(or(method("GET")), or(path(StringMatcher.newBuilder().setPrefix("/reviews/").build())),
        Permission.newBuilder().setNotRule(or(path(StringMatcher.newBuilder().setExact("/reviews/admin").build()))).build());
    return Policy.newBuilder().addPermissions(to).addPrincipals(fromProductpage).addPrincipals(fromIstioSystem).build();
  }

  public static Permission method(String m) {
    return Permission.newBuilder().setHeader(HeaderMatcher.newBuilder().setName(":method")
        .setStringMatch(StringMatcher.newBuilder().setExact(m))).build();
  }

  public static Permission path(StringMatcher m) {
    return Permission.newBuilder().setUrlPath(PathMatcher.newBuilder().setPath(m)).build();
  }

  public static Principal authenticated(StringMatcher m) {
    return Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(m)).build();
  }

  public static Permission and(Permission... rules) {
    return Permission.newBuilder().setAndRules(Permission.Set.newBuilder().addAllRules(List.of(rules))).build();
  }

  public static Permission or(Permission... rules) {
    return Permission.newBuilder().setOrRules(Permission.Set.newBuilder().addAllRules(List.of(rules))).build();
  }

  public static Principal or(Principal... ids) {
    return Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addAllIds(List.of(ids))).build();
  }
}
