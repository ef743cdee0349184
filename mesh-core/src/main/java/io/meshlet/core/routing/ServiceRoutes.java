package io.meshlet.core.routing;

import io.meshlet.core.model.VirtualService;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The ordered rules for one host: the rules of the VirtualService that routes it, or a single
 * default route to the host itself when only a ServiceEntry knows it. First match wins.
 */
public final class ServiceRoutes {
  private final String host;
  private final @Nullable VirtualService virtualService;
  private final CompiledRoute[] routes;
  private final @Nullable UriIndex index;
  /** The service's one declared port, or 0 when it declares none or several. */
  private final int onlyPort;

  ServiceRoutes(String host, @Nullable VirtualService virtualService, CompiledRoute[] routes) {
    this(host, virtualService, routes, 0);
  }

  ServiceRoutes(String host, @Nullable VirtualService virtualService, CompiledRoute[] routes, int onlyPort) {
    this.host = host;
    this.virtualService = virtualService;
    this.routes = routes;
    this.index = UriIndex.build(routes);
    this.onlyPort = onlyPort;
  }

  /**
   * The request as routing sees it: {@code req} itself, or, when the caller wrote no port ({@code
   * http://details/}: the scheme's default, 80 or 443) and the service declares exactly one other
   * port, the same request on that port. Match blocks with a {@code port} (xDS restricts every
   * block to its listener's port), the cluster pick and explain then all see the service's port,
   * for config from YAML and from xDS alike. A port the caller did write is never changed.
   */
  public RequestView withServicePort(RequestView req) {
    int port = onlyPort;
    if (port == 0 || req.port() == port || req.port() != defaultPort(req.scheme())) {
      return req;
    }
    return new ServicePortRequest(req, port);
  }

  /** The service's one declared port, or 0 when it declares none or several. */
  public int onlyPort() {
    return onlyPort;
  }

  private static int defaultPort(String scheme) {
    return "https".equalsIgnoreCase(scheme) ? 443 : "http".equalsIgnoreCase(scheme) ? 80 : -1;
  }

  /**
   * The first rule that accepts {@code req}, or null (Envoy's {@code NR}: no route). With many
   * rules, a uri index narrows the candidates; the answer is always the first match in rule order.
   */
  public @Nullable CompiledRoute match(RequestView req) {
    UriIndex index = this.index;
    return index != null ? index.match(req) : scan(req);
  }

  /** The plain first-match scan over every rule. */
  @Nullable CompiledRoute scan(RequestView req) {
    for (CompiledRoute route : routes) {
      if (route.matches(req)) {
        return route;
      }
    }
    return null;
  }

  /** The fully qualified host (or wildcard) these routes are for. */
  public String host() {
    return host;
  }

  public @Nullable VirtualService virtualService() {
    return virtualService;
  }

  boolean indexed() {
    return index != null;
  }

  public List<CompiledRoute> routes() {
    return List.of(routes);
  }

  @Override
  public String toString() {
    return host + (virtualService != null ? " via " + virtualService.id() : " (default route)") + ", " + routes.length + " rules";
  }
}
