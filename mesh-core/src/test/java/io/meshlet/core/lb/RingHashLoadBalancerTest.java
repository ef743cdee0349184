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
    assertThat(new RingHashLoadBalancer(equal(3), 1024).ringSize()).isEqualTo(3 * 342);
    assertThat(new RingHashLoadBalancer(equal(3), 0).ringSize()).isEqualTo(3 * 342); // default
    assertThat(new RingHashLoadBalancer(weighted(1, 1000), 16).ringSize()).isEqualTo(1001); // lightest gets one
    assertThat(new RingHashLoadBalancer(equal(2), Long.MAX_VALUE).ringSize()).isEqualTo(RingHashLoadBalancer.MAX_RING);
    assertThat(lb.toString()).isEqualTo("RING_HASH(4 endpoints, ring 1024)");
  }

  @Test
  void addingAnEndpointMovesAboutItsShare() {
    List<Endpoint> three = equal(3);
    List<Endpoint> four = new ArrayList<>(three);
    four.add(ep(4, 1));
    Endpoint[] before = assign(new RingHashLoadBalancer(three, 1024));
    Endpoint[] after = assign(new RingHashLoadBalancer(four, 1024));
    int moved = 0;
    int movedToNew = 0;
    for (int i = 0; i < KEYS; i++) {
      if (before[i] != after[i]) {
        moved++;
        if (after[i] == four.get(3)) {
          movedToNew++;
        }
      }
    }
    // Ideal consistent hashing moves exactly the new endpoint's quarter. Istio's minimum ring size
    // also shrinks the survivors from 342 to 256 points each, which reshuffles some keys among
    // them (measured: 24.6 % to the new endpoint, 33.7 % moved in all).
    assertThat(movedToNew / (double) KEYS).isBetween(0.20, 0.30);
    assertThat(moved / (double) KEYS).isBetween(0.15, 0.35);
  }

  @Test
  void removingAnEndpointMovesItsKeysAndFewOthers() {
    List<Endpoint> four = equal(4);
    List<Endpoint> three = four.subList(0, 3);
    Endpoint[] before = assign(new RingHashLoadBalancer(four, 1024));
    Endpoint[] after = assign(new RingHashLoadBalancer(three, 1024));
    int moved = 0;
    int movedOther = 0;
    for (int i = 0; i < KEYS; i++) {
      if (before[i] != after[i]) {
        moved++;
        if (before[i] != four.get(3)) {
          movedOther++;
        }
      }
    }
    // Every key of the removed endpoint moves; survivors grow from 256 to 342 points each and so
    // trade some keys among themselves (measured: 9.1 % of all keys), as Envoy's ring does.
    assertThat(moved - movedOther).isEqualTo(count(before, four.get(3)));
    assertThat(movedOther / (double) KEYS).isLessThan(0.15);
  }

  @Test
  void removingFromALargeClusterMovesOnlyItsKeys() {
    // With at least minimumRingSize endpoints each owns a fixed number of points, so membership
    // changes leave the survivors' points alone.
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
