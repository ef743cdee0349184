package io.meshlet.core.routing;

import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.lb.LoadBalancer;
import io.meshlet.core.model.LoadBalancerSettings;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The endpoints of one service port and subset, with their load balancer. Named as Istio names its
 * clusters: {@code outbound|9080|v1|reviews.default.svc.cluster.local}. A passthrough cluster (a
 * ServiceEntry with {@code resolution: NONE}, or {@code simple: PASSTHROUGH}) has no endpoints: the
 * call goes to the address the caller asked for.
 */
public final class Cluster {
  private final String name;
  private final String host;
  private final int port;
  private final @Nullable String subset;
  private final Map<String, String> subsetLabels;
  private final LoadBalancerSettings settings;
  private final @Nullable LoadBalancer loadBalancer;
  private final HashPolicy hashPolicy;

  Cluster(
      String host,
      int port,
      @Nullable String subset,
      Map<String, String> subsetLabels,
      LoadBalancerSettings settings,
      @Nullable LoadBalancer loadBalancer,
      HashPolicy hashPolicy) {
    this.name = name(host, port, subset);
    this.host = host;
    this.port = port;
    this.subset = subset;
    this.subsetLabels = Map.copyOf(subsetLabels);
    this.settings = settings;
    this.loadBalancer = loadBalancer;
    this.hashPolicy = hashPolicy;
  }

  /**
   * True if this cluster would be compiled again identically: same policy, same subset labels and
   * the very same endpoint instances in the same order. The compiler then keeps this instance, so a
   * config push that does not touch a cluster keeps its round-robin position and counters.
   */
  boolean unchanged(LoadBalancerSettings otherSettings, Map<String, String> otherLabels, List<Endpoint> otherEndpoints, boolean passthrough) {
    if (!settings.equals(otherSettings) || !subsetLabels.equals(otherLabels) || isPassthrough() != passthrough) {
      return false;
    }
    List<Endpoint> mine = endpoints();
    if (mine.size() != otherEndpoints.size()) {
      return false;
    }
    for (int i = 0; i < mine.size(); i++) {
      if (mine.get(i) != otherEndpoints.get(i)) {
        return false;
      }
    }
    return true;
  }

  static String name(String host, int port, @Nullable String subset) {
    return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
  }

  /** Picks an endpoint for {@code req}; null when the cluster has none (or is a passthrough). */
  public @Nullable Endpoint pick(RequestView req, RandomGenerator random) {
    LoadBalancer lb = loadBalancer;
    return lb == null ? null : lb.pick(hashPolicy.hash(req), random);
  }

  public boolean isPassthrough() {
    return loadBalancer == null;
  }

  public String name() {
    return name;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public @Nullable String subset() {
    return subset;
  }

  public Map<String, String> subsetLabels() {
    return subsetLabels;
  }

  public List<Endpoint> endpoints() {
    LoadBalancer lb = loadBalancer;
    return lb == null ? List.of() : lb.endpoints();
  }

  /** {@code ROUND_ROBIN}, {@code LEAST_REQUEST}, ... or {@code PASSTHROUGH}. */
  public String policy() {
    LoadBalancer lb = loadBalancer;
    return lb == null ? "PASSTHROUGH" : lb.policy();
  }

  boolean hashes() {
    return loadBalancer != null && settings.consistentHash() != null;
  }

  String describeHashKey(RequestView req) {
    return hashPolicy.describe(req);
  }

  /** {@code no endpoint for reviews.default.svc.cluster.local subset v2}: what a failed pick means. */
  public String noEndpointMessage() {
    return "no endpoint for " + host + (subset != null ? " subset " + subset : "") + " port " + port;
  }

  @Override
  public String toString() {
    return name + " (" + policy() + ", " + endpoints().size() + " endpoints)";
  }
}
