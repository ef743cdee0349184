package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One rule of {@code VirtualService.http[]}. Exactly one of {@code destinations} (non-empty),
 * {@code redirect} or {@code directResponse} is the action. An empty {@code matches} list matches
 * every request; otherwise any one match (OR) suffices.
 */
public record HttpRoute(
    @Nullable String name,
    List<HttpMatch> matches,
    List<RouteDestination> destinations,
    @Nullable HttpRedirect redirect,
    @Nullable DirectResponse directResponse,
    @Nullable HttpRewrite rewrite,
    HeaderOperations headers) {

  public HttpRoute {
    matches = List.copyOf(matches);
    destinations = List.copyOf(destinations);
    requireNonNull(headers, "headers");
  }
}
