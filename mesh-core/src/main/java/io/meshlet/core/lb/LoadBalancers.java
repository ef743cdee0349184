package io.meshlet.core.lb;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.LoadBalancerSettings.Simple;
import java.util.List;

/**
 * Builds the {@link LoadBalancer} for a cluster's {@link LoadBalancerSettings}. Call it on the
 * control thread when a snapshot is compiled; the result is immutable but for its round-robin
 * position and is shared by all requests.
 */
public final class LoadBalancers {
  private LoadBalancers() {}

  /**
   * @param settings the destination's policy; a consistent hash wins over a simple policy, and
   *     neither means Istio's default, {@code LEAST_REQUEST}
   * @param endpoints the endpoints to balance over, in a stable order (round robin follows it);
   *     if empty, every pick returns null
   * @throws IllegalArgumentException for {@code PASSTHROUGH}, which the caller handles itself
   */
  public static LoadBalancer create(LoadBalancerSettings settings, List<Endpoint> endpoints) {
    requireNonNull(settings, "settings");
    requireNonNull(endpoints, "endpoints");
    ConsistentHash hash = settings.consistentHash();
    Simple simple = settings.simple();
    if (hash == null && simple == null) {
      simple = Simple.LEAST_REQUEST;
    }
    if (hash == null && simple == Simple.PASSTHROUGH) {
      throw new IllegalArgumentException("simple: PASSTHROUGH (expected: handled by the caller, not a load balancer)");
    }
    if (endpoints.isEmpty()) {
      return new EmptyLoadBalancer(hash != null ? "RING_HASH" : simple.name());
    }
    if (hash != null) {
      return new RingHashLoadBalancer(endpoints, hash.minimumRingSize());
    }
    switch (simple) {
      case ROUND_ROBIN:
        return new RoundRobinLoadBalancer(endpoints);
      case RANDOM:
        return new RandomLoadBalancer(endpoints);
      case LEAST_REQUEST:
        return new LeastRequestLoadBalancer(endpoints);
      default:
        throw new IllegalArgumentException("simple: " + simple);
    }
  }
}
