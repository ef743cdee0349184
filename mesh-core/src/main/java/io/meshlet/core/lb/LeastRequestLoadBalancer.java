package io.meshlet.core.lb;

import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Power of two choices: two distinct endpoints drawn at random (in proportion to weight), the one
 * with fewer active requests per unit of weight wins; a tie goes to the first drawn.
 */
final class LeastRequestLoadBalancer implements LoadBalancer {
  private final List<Endpoint> endpoints;
  private final Endpoint[] array;
  /** Null when all weights are equal. */
  private final int @Nullable [] cumulative;
  private final int total;

  LeastRequestLoadBalancer(List<Endpoint> endpoints) {
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
    Endpoint[] array = this.array;
    if (array.length == 1) {
      return array[0];
    }
    int first;
    int second;
    int[] cumulative = this.cumulative;
    if (cumulative == null) {
      first = random.nextInt(total);
      second = random.nextInt(total - 1);
      if (second >= first) {
        second++;
      }
    } else {
      first = Weights.search(cumulative, random.nextInt(total));
      // Draw the second from the others: skip over the first's slice of [0, total).
      int start = first == 0 ? 0 : cumulative[first - 1];
      int width = cumulative[first] - start;
      int r = random.nextInt(total - width);
      second = Weights.search(cumulative, r >= start ? r + width : r);
    }
    Endpoint a = array[first];
    Endpoint b = array[second];
    long loadA = (long) a.activeRequests() * b.weight();
    long loadB = (long) b.activeRequests() * a.weight();
    return loadB < loadA ? b : a;
  }

  @Override
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public String policy() {
    return "LEAST_REQUEST";
  }

  @Override
  public String toString() {
    return "LEAST_REQUEST(" + array.length + " endpoints" + (cumulative == null ? "" : ", weighted") + ")";
  }
}
