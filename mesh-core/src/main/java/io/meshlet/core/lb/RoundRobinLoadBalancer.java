package io.meshlet.core.lb;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Weighted round robin over a precomputed schedule built with smooth weighted round robin, so
 * heavier endpoints are interleaved with the others rather than served in blocks. The schedule
 * starts at its first slot; its position is this instance's only state.
 */
final class RoundRobinLoadBalancer implements LoadBalancer {
  /** Upper bound on the schedule's length (unless there are more endpoints than this). */
  static final int MAX_SCHEDULE = 10_000;
  /** Above this many steps (length × endpoints) the schedule is built by sorting instead. */
  private static final long MAX_SMOOTH_WORK = 20_000_000L;

  private final List<Endpoint> endpoints;
  private final Endpoint[] schedule;
  private final AtomicInteger next = new AtomicInteger();

  RoundRobinLoadBalancer(List<Endpoint> endpoints) {
    this.endpoints = List.copyOf(endpoints);
    Endpoint[] array = this.endpoints.toArray(new Endpoint[0]);
    int[] weights = Weights.of(array);
    if (Weights.allEqual(weights)) {
      schedule = array;
    } else {
      weights = Weights.capSum(Weights.reduce(weights), MAX_SCHEDULE);
      long length = Weights.sum(weights);
      schedule = length * array.length <= MAX_SMOOTH_WORK
          ? smooth(array, weights, (int) length)
          : byVirtualTime(array, weights, (int) length);
    }
  }

  @Override
  public Endpoint pick(long hash, RandomGenerator random) {
    return schedule[Math.floorMod(next.getAndIncrement(), schedule.length)];
  }

  @Override
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public String policy() {
    return "ROUND_ROBIN";
  }

  /** The length of one cycle of the schedule. */
  int scheduleLength() {
    return schedule.length;
  }

  @Override
  public String toString() {
    return "ROUND_ROBIN(" + endpoints.size() + " endpoints, schedule " + schedule.length + ")";
  }

  /** nginx's smooth weighted round robin, run for one full cycle. */
  private static Endpoint[] smooth(Endpoint[] endpoints, int[] weights, int length) {
    Endpoint[] schedule = new Endpoint[length];
    long[] current = new long[weights.length];
    for (int slot = 0; slot < length; slot++) {
      int best = 0;
      for (int i = 0; i < weights.length; i++) {
        current[i] += weights[i];
        if (current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= length;
      schedule[slot] = endpoints[best];
    }
    return schedule;
  }

  /**
   * For very large clusters: the k-th turn of endpoint i is due at (k + 1/2) / weight; turns are
   * served in order of due time (ties by endpoint order). Also interleaved, in O(n log n).
   */
  private static Endpoint[] byVirtualTime(Endpoint[] endpoints, int[] weights, int length) {
    double[] due = new double[length];
    int[] owner = new int[length];
    int slot = 0;
    for (int i = 0; i < weights.length; i++) {
      for (int k = 0; k < weights[i]; k++) {
        due[slot] = (k + 0.5) / weights[i];
        owner[slot++] = i;
      }
    }
    Integer[] order = new Integer[length];
    for (int s = 0; s < length; s++) {
      order[s] = s;
    }
    Arrays.sort(order, (a, b) -> {
      int c = Double.compare(due[a], due[b]);
      return c != 0 ? c : Integer.compare(owner[a], owner[b]);
    });
    Endpoint[] schedule = new Endpoint[length];
    for (int s = 0; s < length; s++) {
      schedule[s] = endpoints[owner[order[s]]];
    }
    return schedule;
  }
}
