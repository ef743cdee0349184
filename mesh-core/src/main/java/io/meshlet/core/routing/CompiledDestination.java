package io.meshlet.core.routing;

import io.meshlet.core.model.Destination;
import io.meshlet.core.model.HeaderOperations;
import org.jspecify.annotations.Nullable;

/**
 * One weighted destination of a route, bound to its clusters. With no port in the destination, the
 * cluster follows the request's port; {@link #cluster(int)} is then a scan of a few ports.
 */
public final class CompiledDestination {
  private final Destination destination;
  private final int weight;
  private final HeaderOperations headers;
  private final int[] ports;
  private final Cluster[] clusters;
  private final @Nullable String problem;

  CompiledDestination(
      Destination destination, int weight, HeaderOperations headers, int[] ports, Cluster[] clusters,
      @Nullable String problem) {
    this.destination = destination;
    this.weight = weight;
    this.headers = headers;
    this.ports = ports;
    this.clusters = clusters;
    this.problem = problem;
  }

  /** The cluster for a request to {@code requestPort}; null when there is none (see {@link #unavailableReason}). */
  public @Nullable Cluster cluster(int requestPort) {
    if (problem != null) {
      return null;
    }
    int port = destination.port() > 0 ? destination.port() : requestPort;
    for (int i = 0; i < ports.length; i++) {
      if (ports[i] == port) {
        return clusters[i];
      }
    }
    // A service with a single port takes calls on any port, as a Kubernetes ClusterIP would not; this
    // keeps "http://reviews/" working when the ServiceEntry declares only 9080.
    return destination.port() == 0 && clusters.length == 1 ? clusters[0] : null;
  }

  /** Why {@link #cluster(int)} returned null, in words. */
  public String unavailableReason(int requestPort) {
    if (problem != null) {
      return problem;
    }
    int port = destination.port() > 0 ? destination.port() : requestPort;
    StringBuilder known = new StringBuilder();
    for (int p : ports) {
      known.append(known.length() == 0 ? "" : ", ").append(p);
    }
    return "no port " + port + " on " + destination.host() + " (ports: " + known + ")";
  }

  public Destination destination() {
    return destination;
  }

  public int weight() {
    return weight;
  }

  /** Header operations of this destination (applied after the route's). */
  public HeaderOperations headers() {
    return headers;
  }

  @Override
  public String toString() {
    return destination + " weight " + weight;
  }
}
