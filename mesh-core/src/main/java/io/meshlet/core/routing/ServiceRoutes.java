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

  ServiceRoutes(String host, @Nullable VirtualService virtualService, CompiledRoute[] routes) {
    this.host = host;
    this.virtualService = virtualService;
    this.routes = routes;
  }

  /** The first rule that accepts {@code req}, or null (Envoy's {@code NR}: no route). */
  public @Nullable CompiledRoute match(RequestView req) {
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

  public List<CompiledRoute> routes() {
    return List.of(routes);
  }

  @Override
  public String toString() {
    return host + (virtualService != null ? " via " + virtualService.id() : " (default route)") + ", " + routes.length + " rules";
  }
}
