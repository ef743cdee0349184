package io.meshlet.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.RateLimitPolicy;
import io.meshlet.core.model.RequestAuthentication;
import io.meshlet.core.model.ResourceOrigin;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The server-side inbound listener istiod writes for a proxyless workload (gRFC A36; istiod's
 * {@code grpcgen/lds.go}): filter chains, each a DownstreamTlsContext (mutual TLS) or none
 * (plaintext), each with one HttpConnectionManager whose HTTP filters are maybe a jwt_authn filter
 * (RequestAuthentication), the RBAC DENY and ALLOW filters, maybe a local rate limit, and the router. The chains give the port's mTLS mode (only
 * mutual TLS: STRICT, only plaintext: DISABLE, both: PERMISSIVE); the filters of the first chain
 * give the policies, and every chain must carry the same filters.
 */
final class InboundTranslator {
  static final String RBAC_FILTER = "envoy.filters.http.rbac";
  static final String LOCAL_RATE_LIMIT_FILTER = "envoy.filters.http.local_ratelimit";

  private InboundTranslator() {}

  /** What one inbound listener says of the port it serves. */
  record Inbound(String name, int port, MtlsMode mode, List<AuthorizationPolicy> policies, @Nullable RateLimitPolicy rateLimit,
      @Nullable RequestAuthentication jwt) {}

  /** True for a listener with filter chains and no API listener: a server's inbound listener. */
  static boolean isInbound(Listener l) {
    return !l.hasApiListener() && (l.getFilterChainsCount() > 0 || l.hasDefaultFilterChain());
  }

  /** The listener's port, mode and policies, or null after an error. */
  static @Nullable Inbound translate(Listener l, String namespace, Problems problems) {
    int port = l.getAddress().hasSocketAddress() ? l.getAddress().getSocketAddress().getPortValue() : 0;
    if (port == 0) {
      port = Domains.listenerPort(l.getName());
    }
    if (port == 0) {
      problems.error("address.socket_address.port_value", "missing (expected: the listening port, or a name ending in :port)");
      return null;
    }
    if (l.getListenerFiltersCount() > 0) {
      problems.error("listener_filters", "set (expected: none on a gRPC server listener, gRFC A36)");
    }
    if (l.hasUseOriginalDst() && l.getUseOriginalDst().getValue()) {
      problems.error("use_original_dst", "true (expected: unset on a gRPC server listener, gRFC A36)");
    }
    List<FilterChain> chains = new ArrayList<>(l.getFilterChainsList());
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < chains.size(); i++) {
      paths.add("filter_chains[" + i + "]");
    }
    if (l.hasDefaultFilterChain()) {
      chains.add(l.getDefaultFilterChain());
      paths.add("default_filter_chain");
    }
    boolean mutual = false;
    boolean plaintext = false;
    List<HttpFilter> filters = null;
    for (int i = 0; i < chains.size(); i++) {
      FilterChain c = chains.get(i);
      String p = paths.get(i);
      if (c.hasTransportSocket()) {
        mutual |= Boolean.TRUE.equals(TlsTranslator.downstreamMutual(c.getTransportSocket(), p + ".transport_socket", problems));
      } else {
        plaintext = true;
      }
      match(c, p, problems);
      HttpConnectionManager hcm = hcm(c, p, problems);
      if (hcm == null) {
        continue;
      }
      remoteAddress(hcm, p + ".filters[0].typed_config", problems);
      if (filters == null) {
        filters = hcm.getHttpFiltersList();
      } else if (!filters.equals(hcm.getHttpFiltersList())) {
        problems.error(p + ".filters[0].typed_config.http_filters", "differ from " + paths.get(0)
            + "'s (expected: the same authorization on every chain; Meshlet keeps one set of policies per workload)");
      }
    }
    if (problems.hasErrors() || filters == null) {
      return null;
    }
    MtlsMode mode = mutual && plaintext ? MtlsMode.PERMISSIVE : mutual ? MtlsMode.STRICT : MtlsMode.DISABLE;
    ResourceOrigin origin = new ResourceOrigin("xds", "Listener " + l.getName());
    String hp = paths.get(0) + ".filters[0].typed_config.http_filters";
    List<AuthorizationPolicy> policies = new ArrayList<>();
    RateLimitPolicy rateLimit = null;
    RequestAuthentication jwt = null;
    for (int i = 0; i < filters.size(); i++) {
      HttpFilter f = filters.get(i);
      String fp = hp + "[" + i + "]";
      String type = f.hasTypedConfig() ? f.getTypedConfig().getTypeUrl() : "";
      if (type.equals(RbacTranslator.TYPE_URL)) {
        RBAC rbac = unpack(f.getTypedConfig(), RBAC.class, fp + ".typed_config", problems);
        if (rbac != null) {
          policies.addAll(RbacTranslator.translate(rbac, f.getName(), namespace, origin, fp + ".typed_config", problems));
        }
      } else if (type.equals(JwtAuthnTranslator.TYPE_URL)) {
        JwtAuthentication authn = unpack(f.getTypedConfig(), JwtAuthentication.class, fp + ".typed_config", problems);
        if (authn != null && jwt != null) {
          problems.error(fp, "a second jwt_authn filter (expected: at most one)");
        } else if (authn != null) {
          jwt = JwtAuthnTranslator.translate(authn, namespace, origin, fp + ".typed_config", problems);
        }
      } else if (type.equals(LocalRateLimitTranslator.TYPE_URL)) {
        LocalRateLimit limit = unpack(f.getTypedConfig(), LocalRateLimit.class, fp + ".typed_config", problems);
        if (limit != null && rateLimit != null) {
          problems.error(fp, "a second local rate limit (expected: at most one)");
        } else if (limit != null) {
          rateLimit = LocalRateLimitTranslator.translate(limit, "inbound-" + port, namespace, "", origin,
              fp + ".typed_config", problems);
        }
      } else if (type.equals(ListenerTranslator.ROUTER_TYPE_URL) || f.getName().equals("envoy.filters.http.router")) {
        continue;
      } else if (f.getName().equals(JwtAuthnTranslator.FILTER)) {
        problems.error(fp + ".typed_config", "'" + type + "' (expected: " + JwtAuthnTranslator.TYPE_URL + ")");
      } else if (f.getName().startsWith(RBAC_FILTER) || f.getName().equals(LOCAL_RATE_LIMIT_FILTER)) {
        problems.error(fp + ".typed_config", "'" + type + "' (expected: " + (f.getName().startsWith(RBAC_FILTER)
            ? RbacTranslator.TYPE_URL : LocalRateLimitTranslator.TYPE_URL) + ")");
      } else if (f.getIsOptional()) {
        problems.ignored(fp, "optional http filter " + f.getName() + " is not applied by Meshlet");
      } else {
        problems.error(fp, "http filter " + f.getName() + (type.isEmpty() ? "" : " (" + type + ")")
            + " is not supported on a server listener (expected: jwt_authn, RBAC, local rate limit, router)");
      }
    }
    return problems.hasErrors() ? null : new Inbound(l.getName(), port, mode, policies, rateLimit, jwt);
  }

  private static void match(FilterChain c, String path, Problems problems) {
    if (!c.hasFilterChainMatch()) {
      return;
    }
    FilterChainMatch m = c.getFilterChainMatch().toBuilder().clearTransportProtocol().build();
    if (!m.equals(FilterChainMatch.getDefaultInstance())) {
      problems.ignored(path + ".filter_chain_match", "only transport_protocol is read; a chain applies by its TLS setting");
    }
  }

  /**
   * A WARNING for {@code xff_num_trusted_hops} or {@code use_remote_address} set to other than their
   * defaults: the remote address that {@code remoteIpBlocks} and {@code remote.ip} see is decided by
   * the mesh's own {@code Mesh.Builder.numTrustedProxies}, not by the control plane.
   */
  private static void remoteAddress(HttpConnectionManager hcm, String path, Problems problems) {
    String why = " is not applied: the remote address (remoteIpBlocks, remote.ip) is decided by the mesh's own "
        + "numTrustedProxies (Mesh.Builder.numTrustedProxies, default 0: the connection's address)";
    if (hcm.getXffNumTrustedHops() != 0) {
      problems.warning(path + ".xff_num_trusted_hops", hcm.getXffNumTrustedHops() + why);
    }
    if (hcm.hasUseRemoteAddress() && hcm.getUseRemoteAddress().getValue()) {
      problems.warning(path + ".use_remote_address", "true" + why);
    }
  }

  private static @Nullable HttpConnectionManager hcm(FilterChain c, String path, Problems problems) {
    if (c.getFiltersCount() != 1) {
      problems.error(path + ".filters", c.getFiltersCount() + " filters (expected: exactly one, the HttpConnectionManager)");
      return null;
    }
    Any any = c.getFilters(0).getTypedConfig();
    if (!any.getTypeUrl().equals(ListenerTranslator.HCM_TYPE_URL)) {
      problems.error(path + ".filters[0].typed_config", "'" + any.getTypeUrl() + "' (expected: " + ListenerTranslator.HCM_TYPE_URL + ")");
      return null;
    }
    return unpack(any, HttpConnectionManager.class, path + ".filters[0].typed_config", problems);
  }

  private static <T extends com.google.protobuf.Message> @Nullable T unpack(Any any, Class<T> type, String path, Problems problems) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      problems.error(path, "cannot be decoded (expected: " + any.getTypeUrl() + "; " + e.getMessage() + ")");
      return null;
    }
  }
}
