package io.meshlet.core.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code TrafficPolicy}, the parts applied so far. A port-level setting overrides the
 * policy it sits in for that port; a subset's policy overrides the host's.
 */
public record TrafficPolicy(@Nullable LoadBalancerSettings loadBalancer, List<PortTrafficPolicy> portLevelSettings) {
  public static final TrafficPolicy NONE = new TrafficPolicy(null, List.of());

  public TrafficPolicy {
    portLevelSettings = List.copyOf(portLevelSettings);
  }

  /** The load balancer for {@code port}: the port-level one if set, else this policy's, else null. */
  public @Nullable LoadBalancerSettings loadBalancerFor(int port) {
    for (PortTrafficPolicy p : portLevelSettings) {
      if (p.port() == port && p.loadBalancer() != null) {
        return p.loadBalancer();
      }
    }
    return loadBalancer;
  }
}
