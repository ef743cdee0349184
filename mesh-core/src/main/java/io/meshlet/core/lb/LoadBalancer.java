package io.meshlet.core.lb;

import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Picks one endpoint of a cluster for a request. Implementations are immutable, thread-safe and
 * allocate nothing per pick.
 */
public interface LoadBalancer {
  /** The sentinel for "this request has no hash key"; a consistent-hash balancer then picks at random. */
  long NO_HASH = 0L;

  /**
   * @param hash the request's hash key (consistent hashing only), or {@link #NO_HASH}
   * @param random the mesh's random source
   * @return an endpoint, or null if there is none
   */
  @Nullable Endpoint pick(long hash, RandomGenerator random);

  List<Endpoint> endpoints();

  /** The policy's name as Istio spells it: {@code ROUND_ROBIN}, {@code RANDOM}, {@code LEAST_REQUEST}, {@code RING_HASH}. */
  String policy();
}
