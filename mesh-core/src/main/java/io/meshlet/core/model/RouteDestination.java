package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

/** Istio's {@code HTTPRouteDestination}: a destination, its relative weight and header operations. */
public record RouteDestination(Destination destination, int weight, HeaderOperations headers) {
  public RouteDestination {
    requireNonNull(destination, "destination");
    requireNonNull(headers, "headers");
  }
}
