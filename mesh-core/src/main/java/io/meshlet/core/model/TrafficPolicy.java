package io.meshlet.core.model;

import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code TrafficPolicy}, the parts applied so far. Each setting is resolved on its own: a
 * port-level setting overrides the policy it sits in for that port, and a subset's policy overrides
 * the host's (see {@link #resolve}).
 */
public record TrafficPolicy(
    @Nullable LoadBalancerSettings loadBalancer,
    List<PortTrafficPolicy> portLevelSettings,
    @Nullable ConnectionPoolSettings connectionPool,
    @Nullable OutlierDetection outlierDetection,
    @Nullable RetryBudget retryBudget,
    @Nullable ClientTlsSettings tls) {

  public static final TrafficPolicy NONE = new TrafficPolicy(null, List.of());

  public TrafficPolicy {
    portLevelSettings = List.copyOf(portLevelSettings);
  }

  public TrafficPolicy(@Nullable LoadBalancerSettings loadBalancer, List<PortTrafficPolicy> portLevelSettings) {
    this(loadBalancer, portLevelSettings, null, null, null, null);
  }

  public TrafficPolicy(
      @Nullable LoadBalancerSettings loadBalancer,
      List<PortTrafficPolicy> portLevelSettings,
      @Nullable ConnectionPoolSettings connectionPool,
      @Nullable OutlierDetection outlierDetection,
      @Nullable RetryBudget retryBudget) {
    this(loadBalancer, portLevelSettings, connectionPool, outlierDetection, retryBudget, null);
  }

  /** The load balancer for {@code port}: the port-level one if set, else this policy's, else null. */
  public @Nullable LoadBalancerSettings loadBalancerFor(int port) {
    return forPort(port, PortTrafficPolicy::loadBalancer, loadBalancer);
  }

  public @Nullable ConnectionPoolSettings connectionPoolFor(int port) {
    return forPort(port, PortTrafficPolicy::connectionPool, connectionPool);
  }

  public @Nullable OutlierDetection outlierDetectionFor(int port) {
    return forPort(port, PortTrafficPolicy::outlierDetection, outlierDetection);
  }

  public @Nullable RetryBudget retryBudgetFor(int port) {
    return forPort(port, PortTrafficPolicy::retryBudget, retryBudget);
  }

  public @Nullable ClientTlsSettings tlsFor(int port) {
    return forPort(port, PortTrafficPolicy::tls, tls);
  }

  private <T> @Nullable T forPort(int port, Function<PortTrafficPolicy, @Nullable T> field, @Nullable T fallback) {
    for (PortTrafficPolicy p : portLevelSettings) {
      T value = p.port() == port ? field.apply(p) : null;
      if (value != null) {
        return value;
      }
    }
    return fallback;
  }

  /**
   * One setting for {@code port} of a subset: the subset's (port-level, then its own), else the
   * host's (port-level, then its own), else null.
   */
  public static <T> @Nullable T resolve(
      @Nullable TrafficPolicy subset, TrafficPolicy host, int port, PortLookup<T> lookup) {
    T value = subset == null ? null : lookup.get(subset, port);
    return value != null ? value : lookup.get(host, port);
  }

  /** One of the {@code ...For(port)} lookups. */
  @FunctionalInterface
  public interface PortLookup<T> {
    @Nullable T get(TrafficPolicy policy, int port);
  }
}
