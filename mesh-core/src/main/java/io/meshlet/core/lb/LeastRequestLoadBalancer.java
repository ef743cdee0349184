package io.meshlet.core.lb;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Power of two choices: two distinct endpoints drawn at random (in proportion to weight), the one
 * with fewer active requests per unit of weight wins; a tie goes to the first drawn.
 */
final class LeastRequestLoadBalancer implements LoadBalancer {
  private final WeightedTable table;

  LeastRequestLoadBalancer(List<Endpoint> endpoints) {
    this.table = new WeightedTable(endpoints);
  }

  @Override
  public Endpoint pick(long hash, RandomGenerator random) {
    Endpoint[] array = table.array;
    if (array.length == 1) {
      return array[0];
    }
    int first = table.draw(random);
    Endpoint a = array[first];
    Endpoint b = array[table.drawOther(first, random)];
    long loadA = (long) a.activeRequests() * b.weight();
    long loadB = (long) b.activeRequests() * a.weight();
    return loadB < loadA ? b : a;
  }

  @Override
  public List<Endpoint> endpoints() {
    return table.endpoints;
  }

  @Override
  public String policy() {
    return "LEAST_REQUEST";
  }

  @Override
  public String toString() {
    return table.describe(policy());
  }
}
