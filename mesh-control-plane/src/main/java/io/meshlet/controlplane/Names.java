package io.meshlet.controlplane;

/**
 * istiod's names of listeners and routes, {@code host:port}. Clusters are named by mesh-core's
 * {@link io.meshlet.core.config.ClusterName}, as the route table names them.
 */
final class Names {
  private Names() {}

  static String listener(String host, int port) {
    return host + ":" + port;
  }
}
