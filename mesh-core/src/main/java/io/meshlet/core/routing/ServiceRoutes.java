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

  ServiceRoutes(String host, @Nullable VirtualService virtualService, CompiledRoute[] routes) {
    this.host = host;
    this.virtualService = virtualService;
    this.routes = routes;
    this.index = UriIndex.build(routes);
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
