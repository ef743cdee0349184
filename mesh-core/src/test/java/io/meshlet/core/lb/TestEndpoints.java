package io.meshlet.core.lb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

final class TestEndpoints {
  private TestEndpoints() {}

  static Endpoint ep(int i, int weight) {
    return new Endpoint("10.0.0." + i, 8080, Map.of(), weight, null);
  }

  /** Endpoints 1..n with the given weights. */
  static List<Endpoint> weighted(int... weights) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      list.add(ep(i + 1, weights[i]));
    }
    return list;
  }

  static List<Endpoint> equal(int n) {
    return weightedOnes(n);
  }

  private static List<Endpoint> weightedOnes(int n) {
    int[] ones = new int[n];
    java.util.Arrays.fill(ones, 1);
    return weighted(ones);
  }

  static Map<Endpoint, Integer> count(int picks, Supplier<Endpoint> pick) {
    Map<Endpoint, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(pick.get(), 1, Integer::sum);
    }
    return counts;
  }

  static double share(Map<Endpoint, Integer> counts, Endpoint e, int picks) {
    return counts.getOrDefault(e, 0) / (double) picks;
  }
}
