package io.meshlet.core.model;

import org.jspecify.annotations.Nullable;

/** One entry of {@code trafficPolicy.portLevelSettings}: overrides for one destination port. */
public record PortTrafficPolicy(
    int port,
    @Nullable LoadBalancerSettings loadBalancer,
    @Nullable ConnectionPoolSettings connectionPool,
    @Nullable OutlierDetection outlierDetection,
    @Nullable RetryBudget retryBudget,
    @Nullable ClientTlsSettings tls) {

  public PortTrafficPolicy(int port, @Nullable LoadBalancerSettings loadBalancer) {
    this(port, loadBalancer, null, null, null, null);
  }

  public PortTrafficPolicy(
      int port,
      @Nullable LoadBalancerSettings loadBalancer,
      @Nullable ConnectionPoolSettings connectionPool,
      @Nullable OutlierDetection outlierDetection,
      @Nullable RetryBudget retryBudget) {
    this(port, loadBalancer, connectionPool, outlierDetection, retryBudget, null);
  }
}
