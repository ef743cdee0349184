package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Map;

/**
 * The xDS resources a client holds now (state of the world), each type by resource name. Immutable.
 */
public record XdsResources(
    Map<String, Listener> listeners,
    Map<String, RouteConfiguration> routes,
    Map<String, Cluster> clusters,
    Map<String, ClusterLoadAssignment> endpoints) {

  public static final XdsResources EMPTY = new XdsResources(Map.of(), Map.of(), Map.of(), Map.of());

  public XdsResources {
    listeners = Map.copyOf(listeners);
    routes = Map.copyOf(routes);
    clusters = Map.copyOf(clusters);
    endpoints = Map.copyOf(endpoints);
  }
}
