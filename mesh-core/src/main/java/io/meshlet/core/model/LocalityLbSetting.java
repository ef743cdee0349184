package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code LocalityLoadBalancerSetting} ({@code trafficPolicy.loadBalancer.localityLbSetting}).
 * Localities are {@code region/zone/subzone}; in {@code distribute} a trailing {@code *} matches
 * anything at that level. How it becomes priorities and locality weights is {@code lb.LocalityPlan}.
 *
 * @param enabled null (unset: on, as Istio's mesh default), true or false (no locality load balancing)
 * @param distribute weights by locality for callers in {@code from}; the first rule that matches the caller applies
 * @param failover for callers in region {@code from}, region {@code to} comes before every other region
 * @param failoverPriority label keys (or {@code key=value}) ordering the endpoints by how many leading
 *     labels they share with the caller
 */
public record LocalityLbSetting(
    @Nullable Boolean enabled, List<Distribute> distribute, List<Failover> failover, List<String> failoverPriority) {

  /** Istio's mesh-wide default: enabled, nothing set, so failover by locality when outlier detection is on. */
  public static final LocalityLbSetting DEFAULT = new LocalityLbSetting(null, List.of(), List.of(), List.of());

  public LocalityLbSetting {
    distribute = List.copyOf(distribute);
    failover = List.copyOf(failover);
    failoverPriority = List.copyOf(failoverPriority);
  }

  /** False only when {@code enabled: false} is given. */
  public boolean isEnabled() {
    return enabled == null || enabled;
  }

  /** One {@code distribute} rule: callers in {@code from} send {@code to}'s share to each locality pattern, in order. */
  public record Distribute(String from, List<Weight> to) {
    public Distribute {
      requireNonNull(from, "from");
      to = List.copyOf(to);
    }
  }

  /** A locality pattern and its share in percent (1..100; a rule's shares sum to 100). */
  public record Weight(String locality, int weight) {
    public Weight {
      requireNonNull(locality, "locality");
    }
  }

  /** One {@code failover} rule: regions only. */
  public record Failover(String from, String to) {
    public Failover {
      requireNonNull(from, "from");
      requireNonNull(to, "to");
    }
  }
}
