package io.meshlet.core.lb;

import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** A cluster with no endpoints: every pick is null. */
final class EmptyLoadBalancer implements LoadBalancer {
  private final String policy;

  EmptyLoadBalancer(String policy) {
    this.policy = policy;
  }

  @Override
  public @Nullable Endpoint pick(long hash, RandomGenerator random) {
    return null;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of();
  }

  @Override
  public String policy() {
    return policy;
  }

  @Override
  public String toString() {
    return policy + "(0 endpoints)";
  }
}
