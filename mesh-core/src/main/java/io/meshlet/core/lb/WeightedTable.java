package io.meshlet.core.lb;

import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Endpoints and a cumulative weight table for drawing them in proportion to weight: a uniform draw
 * when all weights are equal, else one random number searched in the table. Immutable; draws
 * allocate nothing.
 */
final class WeightedTable {
  final List<Endpoint> endpoints;
  final Endpoint[] array;
  /** Null when all weights are equal. */
  private final int @Nullable [] cumulative;
  private final int total;

  WeightedTable(List<Endpoint> endpoints) {
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

  boolean weighted() {
    return cumulative != null;
  }

  /** The index of an endpoint drawn in proportion to weight. */
  int draw(RandomGenerator random) {
    int[] cumulative = this.cumulative;
    return cumulative == null ? random.nextInt(total) : Weights.search(cumulative, random.nextInt(total));
  }

  /** The index of an endpoint other than {@code first}, drawn in proportion to weight among the others. */
  int drawOther(int first, RandomGenerator random) {
    int[] cumulative = this.cumulative;
    if (cumulative == null) {
      int second = random.nextInt(total - 1);
      return second >= first ? second + 1 : second;
    }
    // Skip over the first's slice of [0, total).
    int start = first == 0 ? 0 : cumulative[first - 1];
    int width = cumulative[first] - start;
    int r = random.nextInt(total - width);
    return Weights.search(cumulative, r >= start ? r + width : r);
  }

  String describe(String policy) {
    return policy + "(" + array.length + " endpoints" + (weighted() ? ", weighted" : "") + ")";
  }
}
