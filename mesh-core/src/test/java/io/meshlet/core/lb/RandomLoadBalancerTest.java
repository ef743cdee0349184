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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomLoadBalancerTest {
  private static final int PICKS = 100_000;

  @Test
  void followsWeights() {
    List<Endpoint> eps = weighted(1, 2, 3, 4);
    LoadBalancer lb = new RandomLoadBalancer(eps);
    Random random = new Random(42);
    Map<Endpoint, Integer> counts = count(PICKS, () -> lb.pick(LoadBalancer.NO_HASH, random));
    for (int i = 0; i < 4; i++) {
      assertThat(share(counts, eps.get(i), PICKS)).isCloseTo((i + 1) / 10.0, offset(0.02));
    }
    assertThat(lb.policy()).isEqualTo("RANDOM");
    assertThat(lb.toString()).isEqualTo("RANDOM(4 endpoints, weighted)");
  }

  @Test
  void uniformWhenWeightsEqual() {
    List<Endpoint> eps = equal(5);
    LoadBalancer lb = new RandomLoadBalancer(eps);
    SplittableRandom random = new SplittableRandom(3);
    Map<Endpoint, Integer> counts = count(PICKS, () -> lb.pick(LoadBalancer.NO_HASH, random));
    for (Endpoint e : eps) {
      assertThat(share(counts, e, PICKS)).isCloseTo(0.2, offset(0.02));
    }
  }

  @Test
  void deterministicForASeed() {
    LoadBalancer lb = new RandomLoadBalancer(weighted(3, 1, 7));
    Random r1 = new Random(9);
    Random r2 = new Random(9);
    for (int i = 0; i < 1000; i++) {
      assertThat(lb.pick(LoadBalancer.NO_HASH, r1)).isSameAs(lb.pick(LoadBalancer.NO_HASH, r2));
    }
  }

  @Test
  void hugeWeightsStillWork() {
    List<Endpoint> eps = weighted(Integer.MAX_VALUE, Integer.MAX_VALUE / 3, 1);
    LoadBalancer lb = new RandomLoadBalancer(eps);
    Random random = new Random(5);
    Map<Endpoint, Integer> counts = count(PICKS, () -> lb.pick(LoadBalancer.NO_HASH, random));
    assertThat(share(counts, eps.get(0), PICKS)).isCloseTo(0.75, offset(0.02));
  }
}
