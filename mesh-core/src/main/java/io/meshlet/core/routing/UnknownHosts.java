package io.meshlet.core.routing;

/**
 * Envoy's (and Istio's) names for where a call to a host the mesh does not know goes, used in
 * errors, explain and metrics so they read as they do with a sidecar.
 */
public final class UnknownHosts {
  /** Under ALLOW_ANY: sent unchanged to the address the caller asked for. */
  public static final String PASSTHROUGH_CLUSTER = "PassthroughCluster";
  /** Under REGISTRY_ONLY: refused. */
  public static final String BLACK_HOLE_CLUSTER = "BlackHoleCluster";

  private UnknownHosts() {}
}
