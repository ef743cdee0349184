package io.meshlet.core.lb;

import java.util.List;
import java.util.random.RandomGenerator;

/** Weighted random: one draw from the cumulative weight table per pick. */
final class RandomLoadBalancer implements LoadBalancer {
  private final WeightedTable table;

  RandomLoadBalancer(List<Endpoint> endpoints) {
    this.table = new WeightedTable(endpoints);
  }

  @Override
  public Endpoint pick(long hash, RandomGenerator random) {
    return table.array[table.draw(random)];
  }

  @Override
  public List<Endpoint> endpoints() {
    return table.endpoints;
  }

  @Override
  public String policy() {
    return "RANDOM";
  }

  @Override
  public String toString() {
    return table.describe(policy());
  }
}
