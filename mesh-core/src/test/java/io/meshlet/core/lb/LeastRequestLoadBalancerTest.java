package io.meshlet.core.lb;

import static io.meshlet.core.lb.TestEndpoints.count;
import static io.meshlet.core.lb.TestEndpoints.equal;
import static io.meshlet.core.lb.TestEndpoints.share;
import static io.meshlet.core.lb.TestEndpoints.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LeastRequestLoadBalancerTest {
  private static final int PICKS = 100_000;
  private final Random random = new Random(11);

  private static void start(Endpoint e, int requests) {
    for (int i = 0; i < requests; i++) {
      e.onRequestStart();
    }
  }

  @Test
  void idleClusterFollowsWeights() {
    List<Endpoint> eps = weighted(1, 2, 3, 4);
    LoadBalancer lb = new LeastRequestLoadBalancer(eps);
    Map<Endpoint, Integer> counts = count(PICKS, () -> lb.pick(LoadBalancer.NO_HASH, random));
    for (int i = 0; i < 4; i++) {
      assertThat(share(counts, eps.get(i), PICKS)).isCloseTo((i + 1) / 10.0, offset(0.02));
    }
    assertThat(lb.policy()).isEqualTo("LEAST_REQUEST");
  }

  @Test
  void idleEqualClusterIsUniform() {
    List<Endpoint> eps = equal(4);
    LoadBalancer lb = new LeastRequestLoadBalancer(eps);
    Map<Endpoint, Integer> counts = count(PICKS, () -> lb.pick(LoadBalancer.NO_HASH, random));
    for (Endpoint e : eps) {
      assertThat(share(counts, e, PICKS)).isCloseTo(0.25, offset(0.02));
    }
  }

  @Test
  void prefersFewerActiveRequests() {
    List<Endpoint> eps = equal(3);
    start(eps.get(0), 10);
    start(eps.get(1), 1);
    LoadBalancer lb = new LeastRequestLoadBalancer(eps);
    Map<Endpoint, Integer> counts = count(PICKS, () -> lb.pick(LoadBalancer.NO_HASH, random));
    // The busiest never wins a pair; the idle one wins every pair it is in (2 of 3 pairs).
    assertThat(counts.get(eps.get(0))).isNull();
    assertThat(share(counts, eps.get(2), PICKS)).isCloseTo(2 / 3.0, offset(0.02));
    assertThat(share(counts, eps.get(1), PICKS)).isCloseTo(1 / 3.0, offset(0.02));
  }

  @Test
  void twoDistinctChoices() {
    List<Endpoint> eps = weighted(1, 1000);
    start(eps.get(1), 1);
    LoadBalancer lb = new LeastRequestLoadBalancer(eps);
    // Both are always drawn, so the idle light endpoint always wins.
    for (int i = 0; i < 1000; i++) {
      assertThat(lb.pick(LoadBalancer.NO_HASH, random)).isSameAs(eps.get(0));
    }
  }

  @Test
  void loadIsMeasuredPerUnitOfWeight() {
    List<Endpoint> eps = weighted(3, 1);
    start(eps.get(0), 2); // 2/3 per unit
    start(eps.get(1), 1); // 1 per unit
    LoadBalancer lb = new LeastRequestLoadBalancer(eps);
    for (int i = 0; i < 1000; i++) {
      assertThat(lb.pick(LoadBalancer.NO_HASH, random)).isSameAs(eps.get(0));
    }
    eps.get(0).onRequestStart(); // 3/3 per unit: a tie, the first drawn wins
    Map<Endpoint, Integer> counts = count(PICKS, () -> lb.pick(LoadBalancer.NO_HASH, random));
    assertThat(share(counts, eps.get(0), PICKS)).isCloseTo(0.75, offset(0.02));
  }

  @Test
  void singleEndpoint() {
    List<Endpoint> eps = equal(1);
    LoadBalancer lb = new LeastRequestLoadBalancer(eps);
    assertThat(lb.pick(LoadBalancer.NO_HASH, random)).isSameAs(eps.get(0));
    assertThat(lb.toString()).isEqualTo("LEAST_REQUEST(1 endpoints)");
  }
}
