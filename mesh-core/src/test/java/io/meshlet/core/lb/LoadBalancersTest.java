package io.meshlet.core.lb;

import static io.meshlet.core.lb.TestEndpoints.equal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash.HashOn;
import io.meshlet.core.model.LoadBalancerSettings.Simple;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LoadBalancersTest {
  private static final ConsistentHash BY_USER = new ConsistentHash(HashOn.HTTP_HEADER_NAME, "x-user", 64);

  private static LoadBalancer create(Simple simple, ConsistentHash hash, int endpoints) {
    return LoadBalancers.create(new LoadBalancerSettings(simple, hash), equal(endpoints));
  }

  @Test
  void choosesBySettings() {
    assertThat(create(Simple.ROUND_ROBIN, null, 2).policy()).isEqualTo("ROUND_ROBIN");
    assertThat(create(Simple.RANDOM, null, 2).policy()).isEqualTo("RANDOM");
    assertThat(create(Simple.LEAST_REQUEST, null, 2).policy()).isEqualTo("LEAST_REQUEST");
    assertThat(create(null, null, 2).policy()).isEqualTo("LEAST_REQUEST");
    assertThat(LoadBalancers.create(LoadBalancerSettings.DEFAULT, equal(2)).policy()).isEqualTo("LEAST_REQUEST");
    LoadBalancer ring = create(null, BY_USER, 2);
    assertThat(ring.policy()).isEqualTo("RING_HASH");
    assertThat(((RingHashLoadBalancer) ring).ringSize()).isEqualTo(2 * 64 / 4); // minimumRingSize/4 points per endpoint
    assertThat(create(Simple.ROUND_ROBIN, BY_USER, 2).policy()).isEqualTo("RING_HASH");
  }

  @Test
  void passthroughIsTheCallersJob() {
    assertThatThrownBy(() -> create(Simple.PASSTHROUGH, null, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PASSTHROUGH");
  }

  @Test
  void noEndpointsPicksNull() {
    for (LoadBalancer lb : List.of(create(Simple.ROUND_ROBIN, null, 0), create(Simple.RANDOM, null, 0),
        create(null, null, 0), create(null, BY_USER, 0))) {
      assertThat(lb.pick(LoadBalancer.NO_HASH, new Random(1))).isNull();
      assertThat(lb.pick(42, new Random(1))).isNull();
      assertThat(lb.endpoints()).isEmpty();
    }
    assertThat(create(null, BY_USER, 0).policy()).isEqualTo("RING_HASH");
    assertThat(create(null, null, 0).toString()).isEqualTo("LEAST_REQUEST(0 endpoints)");
  }

  @Test
  void copiesTheEndpointList() {
    List<Endpoint> eps = new java.util.ArrayList<>(equal(2));
    LoadBalancer lb = LoadBalancers.create(new LoadBalancerSettings(Simple.RANDOM, null), eps);
    eps.clear();
    assertThat(lb.endpoints()).hasSize(2);
  }
}
