package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code LoadBalancerSettings}: a simple policy or a consistent hash (never both), and the
 * locality setting (null: Istio's default, {@link LocalityLbSetting#DEFAULT}).
 */
public record LoadBalancerSettings(
    @Nullable Simple simple, @Nullable ConsistentHash consistentHash, @Nullable LocalityLbSetting localityLbSetting) {

  /** Istio's default since 1.14 (Envoy's would be ROUND_ROBIN). */
  public static final LoadBalancerSettings DEFAULT = new LoadBalancerSettings(Simple.LEAST_REQUEST, null);

  public LoadBalancerSettings(@Nullable Simple simple, @Nullable ConsistentHash consistentHash) {
    this(simple, consistentHash, null);
  }

  /** The locality setting in force: the given one, else Istio's default. */
  public LocalityLbSetting locality() {
    return localityLbSetting != null ? localityLbSetting : LocalityLbSetting.DEFAULT;
  }

  public enum Simple {
    ROUND_ROBIN,
    RANDOM,
    /** Power of two choices on active requests. {@code LEAST_CONN} is read as this, as Istio does. */
    LEAST_REQUEST,
    /** Send to the address the caller asked for. */
    PASSTHROUGH
  }

  /** Istio's {@code ConsistentHashLB}, computed with a ring hash. */
  public record ConsistentHash(HashOn on, String key, long minimumRingSize) {
    public static final long DEFAULT_MINIMUM_RING_SIZE = 1024;

    public enum HashOn {
      HTTP_HEADER_NAME,
      HTTP_COOKIE,
      HTTP_QUERY_PARAMETER_NAME,
      USE_SOURCE_IP
    }

    public ConsistentHash {
      requireNonNull(on, "on");
      requireNonNull(key, "key");
    }
  }
}
