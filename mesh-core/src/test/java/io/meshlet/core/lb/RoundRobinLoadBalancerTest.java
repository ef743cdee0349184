package io.meshlet.core.lb;

import static io.meshlet.core.lb.TestEndpoints.equal;
import static io.meshlet.core.lb.TestEndpoints.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoundRobinLoadBalancerTest {
  private final Random random = new Random(1);

  private List<Endpoint> picks(LoadBalancer lb, int n) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(lb.pick(LoadBalancer.NO_HASH, random));
    }
    return out;
  }

  @Test
  void equalWeightsCycleInOrder() {
    List<Endpoint> eps = equal(3);
    LoadBalancer lb = new RoundRobinLoadBalancer(eps);
    assertThat(picks(lb, 7)).containsExactly(eps.get(0), eps.get(1), eps.get(2), eps.get(0), eps.get(1), eps.get(2), eps.get(0));
    assertThat(lb.policy()).isEqualTo("ROUND_ROBIN");
    assertThat(lb.endpoints()).isEqualTo(eps);
  }

  @Test
  void weightsInterleaveSmoothly() {
    List<Endpoint> eps = weighted(1, 2);
    Endpoint a = eps.get(0);
    Endpoint b = eps.get(1);
    assertThat(picks(new RoundRobinLoadBalancer(eps), 6)).containsExactly(b, a, b, b, a, b);

    // nginx's classic example: {5, 1, 1} -> a a b a c a a
    eps = weighted(5, 1, 1);
    a = eps.get(0);
    b = eps.get(1);
    Endpoint c = eps.get(2);
    assertThat(picks(new RoundRobinLoadBalancer(eps), 7)).containsExactly(a, a, b, a, c, a, a);
  }

  @Test
  void weightsReducedByGcd() {
    List<Endpoint> eps = weighted(20, 40);
    LoadBalancer lb = new RoundRobinLoadBalancer(eps);
    assertThat(picks(lb, 3)).containsExactly(eps.get(1), eps.get(0), eps.get(1));
    assertThat(lb.toString()).isEqualTo("ROUND_ROBIN(2 endpoints, schedule 3)");
  }

  @Test
  void longScheduleIsCappedKeepingEveryEndpoint() {
    List<Endpoint> eps = weighted(1_000_000, 1, 3, 499_999);
    RoundRobinLoadBalancer lb = new RoundRobinLoadBalancer(eps);
    assertThat(lb.scheduleLength()).isBetween(RoundRobinLoadBalancer.MAX_SCHEDULE - 4, RoundRobinLoadBalancer.MAX_SCHEDULE + 4);
    List<Endpoint> cycle = picks(lb, lb.scheduleLength());
    Map<Endpoint, Integer> counts = new HashMap<>();
    cycle.forEach(e -> counts.merge(e, 1, Integer::sum));
    assertThat(counts).containsKeys(eps.toArray(new Endpoint[0]));
    assertThat(counts.get(eps.get(0)) / (double) counts.get(eps.get(3))).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void hugeClusterUsesVirtualTimeScheduleWithCorrectCounts() {
    int[] weights = new int[6000];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = i % 2 == 0 ? 1 : 2;
    }
    List<Endpoint> eps = weighted(weights);
    LoadBalancer lb = new RoundRobinLoadBalancer(eps);
    List<Endpoint> cycle = picks(lb, 9000);
    Map<Endpoint, Integer> counts = new HashMap<>();
    cycle.forEach(e -> counts.merge(e, 1, Integer::sum));
    for (int i = 0; i < eps.size(); i++) {
      assertThat(counts.get(eps.get(i))).isEqualTo(weights[i]);
    }
    // Interleaved: the heavier endpoints' second turns come after everyone's first.
    assertThat(new java.util.HashSet<>(cycle.subList(0, 6000))).hasSize(6000);
    assertThat(picks(lb, 9000)).isEqualTo(cycle);
  }

  @Test
  void survivesCounterOverflow() throws Exception {
    List<Endpoint> eps = equal(3);
    RoundRobinLoadBalancer lb = new RoundRobinLoadBalancer(eps);
    java.lang.reflect.Field f = RoundRobinLoadBalancer.class.getDeclaredField("next");
    f.setAccessible(true);
    ((java.util.concurrent.atomic.AtomicInteger) f.get(lb)).set(Integer.MAX_VALUE - 1);
    assertThat(picks(lb, 4)).doesNotContainNull().hasSize(4);
    assertThat(Arrays.asList(eps.toArray())).containsAll(picks(lb, 3));
  }
}
