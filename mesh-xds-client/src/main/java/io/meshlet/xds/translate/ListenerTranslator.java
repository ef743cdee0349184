package io.meshlet.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import org.jspecify.annotations.Nullable;

/**
 * An API listener (gRPC's proxyless client listener): its port (from the name {@code host:port}),
 * where its routes are (RDS name or inline), whether the fault filter runs, and its local rate limit.
 */
final class ListenerTranslator {
  static final String HCM_TYPE_URL = "type.googleapis.com/" + HttpConnectionManager.getDescriptor().getFullName();
  static final String ROUTER_TYPE_URL = "type.googleapis.com/" + Router.getDescriptor().getFullName();
  static final String INLINE_ROUTES_PATH = "api_listener.api_listener.route_config";

  private ListenerTranslator() {}

  /**
   * @param port the listener's port, 0 for any
   * @param inlineRoutes the inline route_config, or null when {@code rdsName} is set
   * @param faultFilter whether the fault filter is among the HTTP filters
   * @param rateLimit the local rate limit filter's config with its path, or null
   */
  record ListenerRoutes(String name, int port, @Nullable String rdsName, @Nullable RouteConfiguration inlineRoutes,
      boolean faultFilter, @Nullable RateLimitFilter rateLimit) {}

  /** A local_ratelimit HTTP filter of an API listener: a client-side limit on calls to the listener's hosts. */
  record RateLimitFilter(LocalRateLimit config, String path) {}

  /** The listener's routes, or null when it has none Meshlet uses (a warning) or cannot be used (an error). */
  static @Nullable ListenerRoutes translate(Listener l, Problems problems) {
    if (!l.hasApiListener()) {
      problems.ignored("api_listener", "not an API listener (server-side listeners are not used by Meshlet's clients)");
      return null;
    }
    HttpConnectionManager hcm = hcm(l.getApiListener().getApiListener(), problems);
    if (hcm == null) {
      return null;
    }
    String hp = "api_listener.api_listener";
    String rds = null;
    RouteConfiguration inline = null;
    switch (hcm.getRouteSpecifierCase()) {
      case RDS:
        rds = hcm.getRds().getRouteConfigName();
        if (rds.isEmpty()) {
          problems.error(hp + ".rds.route_config_name", "'' (expected: a RouteConfiguration name)");
        }
        break;
      case ROUTE_CONFIG:
        inline = hcm.getRouteConfig();
        break;
      case SCOPED_ROUTES:
        problems.error(hp + ".scoped_routes", "not supported (expected: rds or route_config)");
        break;
      default:
        problems.error(hp, "no routes (expected: rds or route_config)");
        break;
    }
    boolean fault = false;
    RateLimitFilter rateLimit = null;
    for (int i = 0; i < hcm.getHttpFiltersCount(); i++) {
      HttpFilter f = hcm.getHttpFilters(i);
      String fp = hp + ".http_filters[" + i + "]";
      if (f.hasTypedConfig() && f.getTypedConfig().getTypeUrl().equals(LocalRateLimitTranslator.TYPE_URL)) {
        try {
          rateLimit = new RateLimitFilter(f.getTypedConfig().unpack(LocalRateLimit.class), fp + ".typed_config");
        } catch (InvalidProtocolBufferException e) {
          problems.error(fp + ".typed_config", "cannot be decoded (expected: " + LocalRateLimitTranslator.TYPE_URL + "; "
              + e.getMessage() + ")");
        }
        continue;
      }
      fault |= filter(f, fp, problems);
    }
    return problems.hasErrors() ? null
        : new ListenerRoutes(l.getName(), Domains.listenerPort(l.getName()), rds, inline, fault, rateLimit);
  }

  static @Nullable HttpConnectionManager hcm(Any any, Problems problems) {
    String path = "api_listener.api_listener";
    if (!any.getTypeUrl().equals(HCM_TYPE_URL)) {
      problems.error(path, "'" + any.getTypeUrl() + "' (expected: " + HCM_TYPE_URL + ")");
      return null;
    }
    try {
      return any.unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      problems.error(path, "cannot be decoded (expected: " + HCM_TYPE_URL + "; " + e.getMessage() + ")");
      return null;
    }
  }

  /** True for the fault filter; router is fine; anything else is ignored with a warning. */
  private static boolean filter(HttpFilter f, String path, Problems problems) {
    String type = f.hasTypedConfig() ? f.getTypedConfig().getTypeUrl() : "";
    if (type.equals(ROUTER_TYPE_URL) || (type.isEmpty() && f.getName().equals("envoy.filters.http.router"))) {
      return false;
    }
    if (type.equals(FaultTranslator.TYPE_URL) || (type.isEmpty() && f.getName().equals("envoy.filters.http.fault"))) {
      if (type.equals(FaultTranslator.TYPE_URL)) {
        try {
          HTTPFault own = f.getTypedConfig().unpack(HTTPFault.class);
          if (own.hasDelay() || own.hasAbort()) {
            problems.ignored(path + ".typed_config", "the fault filter's own delay and abort are not applied; only per-route config is");
          }
        } catch (InvalidProtocolBufferException e) {
          problems.error(path + ".typed_config", "cannot be decoded (expected: " + FaultTranslator.TYPE_URL + "; " + e.getMessage() + ")");
        }
      }
      return true;
    }
    if (type.equals(CorsTranslator.FILTER_TYPE_URL) || (type.isEmpty() && f.getName().equals("envoy.filters.http.cors"))) {
      return false; // its policies are per route (CorsTranslator), applied by the server side
    }
    problems.ignored(path, "http filter " + f.getName() + (type.isEmpty() ? "" : " (" + type + ")") + " is not applied by Meshlet");
    return false;
  }

  /** The RDS name a listener references, or null. */
  static @Nullable String rdsName(Listener l) {
    if (!l.hasApiListener() || !l.getApiListener().getApiListener().getTypeUrl().equals(HCM_TYPE_URL)) {
      return null;
    }
    try {
      HttpConnectionManager hcm = l.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
      return hcm.hasRds() && !hcm.getRds().getRouteConfigName().isEmpty() ? hcm.getRds().getRouteConfigName() : null;
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }
}
