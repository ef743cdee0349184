package io.meshlet.core.lb;

import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** Weighted random: a cumulative weight table searched with one random draw per pick. */
final class RandomLoadBalancer implements LoadBalancer {
  private final List<Endpoint> endpoints;
  private final Endpoint[] array;
  /** Null when all weights are equal (uniform pick). */
  private final int @Nullable [] cumulative;
  private final int total;

  RandomLoadBalancer(List<Endpoint> endpoints) {
    this.endpoints = List.copyOf(endpoints);
    this.array = this.endpoints.toArray(new Endpoint[0]);
    int[] weights = Weights.of(array);
    if (Weights.allEqual(weights)) {
      cumulative = null;
      total = array.length;
    } else {
      weights = Weights.capSum(Weights.reduce(weights), Integer.MAX_VALUE / 2);
      cumulative = Weights.cumulative(weights);
      total = cumulative[cumulative.length - 1];
    }
  }

  @Override
  public Endpoint pick(long hash, RandomGenerator random) {
    int[] cumulative = this.cumulative;
    if (cumulative == null) {
      return array[random.nextInt(total)];
    }
    return array[Weights.search(cumulative, random.nextInt(total))];
  }

  @Override
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public String policy() {
    return "RANDOM";
  }

  @Override
  public String toString() {
    return "RANDOM(" + array.length + " endpoints" + (cumulative == null ? "" : ", weighted") + ")";
  }
}
