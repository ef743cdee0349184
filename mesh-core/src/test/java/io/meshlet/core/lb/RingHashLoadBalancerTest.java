package io.meshlet.core.lb;

import static io.meshlet.core.lb.TestEndpoints.ep;
import static io.meshlet.core.lb.TestEndpoints.equal;
import static io.meshlet.core.lb.TestEndpoints.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RingHashLoadBalancerTest {
  private static final int KEYS = 10_000;
  private final Random random = new Random(13);

  private static long key(int i) {
    return Hashing.hash64("user-" + i);
  }

  private Endpoint[] assign(LoadBalancer lb) {
    Endpoint[] owners = new Endpoint[KEYS];
    for (int i = 0; i < KEYS; i++) {
      owners[i] = lb.pick(key(i), random);
    }
    return owners;
  }

  private static Map<String, Integer> byHost(Endpoint[] owners) {
    Map<String, Integer> counts = new HashMap<>();
    for (Endpoint e : owners) {
      counts.merge(e.hostPort(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void sameKeySameEndpointAcrossInstances() {
    LoadBalancer a = new RingHashLoadBalancer(equal(5), 1024);
    LoadBalancer b = new RingHashLoadBalancer(equal(5), 1024);
    for (int i = 0; i < 1000; i++) {
      Endpoint first = a.pick(key(i), random);
      assertThat(a.pick(key(i), random)).isSameAs(first);
      assertThat(b.pick(key(i), random).hostPort()).isEqualTo(first.hostPort());
    }
    assertThat(a.policy()).isEqualTo("RING_HASH");
  }

  @Test
  void spreadsKeysEvenly() {
    Map<String, Integer> counts = byHost(assign(new RingHashLoadBalancer(equal(3), 1024)));
    assertThat(counts).hasSize(3);
    counts.values().forEach(c -> assertThat(c / (double) KEYS).isCloseTo(1 / 3.0, offset(0.05)));
  }

  @Test
  void respectsWeights() {
    List<Endpoint> eps = weighted(1, 3);
    Map<String, Integer> counts = byHost(assign(new RingHashLoadBalancer(eps, 1024)));
    assertThat(counts.get(eps.get(0).hostPort()) / (double) KEYS).isCloseTo(0.25, offset(0.05));
    assertThat(counts.get(eps.get(1).hostPort()) / (double) KEYS).isCloseTo(0.75, offset(0.05));
  }

  @Test
  void ringSize() {
    RingHashLoadBalancer lb = new RingHashLoadBalancer(equal(4), 1024);
    assertThat(lb.ringSize()).isEqualTo(1024);
    assertThat(new RingHashLoadBalancer(equal(3), 1024).ringSize()).isEqualTo(3 * 256);
    assertThat(new RingHashLoadBalancer(equal(3), 0).ringSize()).isEqualTo(3 * 256); // default 1024
    assertThat(new RingHashLoadBalancer(equal(8), 1024).ringSize()).isEqualTo(8 * 256); // grows with the cluster
    assertThat(new RingHashLoadBalancer(weighted(2, 4), 1024).ringSize()).isEqualTo(3 * 256); // gcd first
    assertThat(new RingHashLoadBalancer(weighted(1, 3), 16).ringSize()).isEqualTo(16);
    assertThat(new RingHashLoadBalancer(equal(8), Long.MAX_VALUE).ringSize()).isEqualTo(RingHashLoadBalancer.MAX_RING);
    assertThat(lb.toString()).isEqualTo("RING_HASH(4 endpoints, ring 1024)");
  }

  @Test
  void addingAnEndpointMovesOnlyTheKeysItTakesOver() {
    List<Endpoint> three = equal(3);
    List<Endpoint> four = new ArrayList<>(three);
    four.add(ep(4, 1));
    Endpoint[] before = assign(new RingHashLoadBalancer(three, 1024));
    Endpoint[] after = assign(new RingHashLoadBalancer(four, 1024));
    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      if (before[i] != after[i]) {
        assertThat(after[i]).as("a key that moves, moves to the new endpoint").isSameAs(four.get(3));
        moved++;
      }
    }
    assertThat(moved / (double) KEYS).isBetween(0.18, 0.32); // ideally 1/4
  }

  @Test
  void removingAnEndpointMovesOnlyItsKeys() {
    List<Endpoint> four = equal(4);
    List<Endpoint> three = four.subList(0, 3);
    Endpoint[] before = assign(new RingHashLoadBalancer(four, 1024));
    Endpoint[] after = assign(new RingHashLoadBalancer(three, 1024));
    for (int i = 0; i < KEYS; i++) {
      if (before[i] != after[i]) {
        assertThat(before[i]).isSameAs(four.get(3));
      }
    }
    assertThat(count(after, four.get(3))).isZero();
  }

  @Test
  void removingFromALargeClusterMovesOnlyItsKeys() {
    List<Endpoint> big = equal(250);
    List<Endpoint> smaller = new ArrayList<>(big);
    Endpoint removed = smaller.remove(100);
    Endpoint[] before = assign(new RingHashLoadBalancer(big, 200));
    Endpoint[] after = assign(new RingHashLoadBalancer(smaller, 200));
    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      if (before[i] != after[i]) {
        assertThat(before[i]).isSameAs(removed);
        moved++;
      }
    }
    assertThat(moved).isEqualTo(count(before, removed)).isPositive();
  }

  private static int count(Endpoint[] owners, Endpoint e) {
    int n = 0;
    for (Endpoint o : owners) {
      if (o == e) {
        n++;
      }
    }
    return n;
  }

  @Test
  void noHashPicksRandomlyByWeight() {
    List<Endpoint> eps = weighted(1, 1, 2);
    LoadBalancer lb = new RingHashLoadBalancer(eps, 1024);
    Map<Endpoint, Integer> counts = TestEndpoints.count(100_000, () -> lb.pick(LoadBalancer.NO_HASH, random));
    assertThat(TestEndpoints.share(counts, eps.get(0), 100_000)).isCloseTo(0.25, offset(0.02));
    assertThat(TestEndpoints.share(counts, eps.get(2), 100_000)).isCloseTo(0.5, offset(0.02));
  }

  @Test
  void wrapsAroundTheRing() {
    List<Endpoint> eps = equal(3);
    LoadBalancer lb = new RingHashLoadBalancer(eps, 16);
    assertThat(lb.pick(Long.MAX_VALUE, random)).isSameAs(lb.pick(Long.MIN_VALUE, random));
  }
}
