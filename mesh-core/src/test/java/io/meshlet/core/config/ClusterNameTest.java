package io.meshlet.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterNameTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";

  @Test
  void formatAndParseAreInverse() {
    assertThat(ClusterName.format(REVIEWS, 9080, "v1")).isEqualTo("outbound|9080|v1|" + REVIEWS);
    assertThat(ClusterName.format(REVIEWS, 9080, null)).isEqualTo("outbound|9080||" + REVIEWS);
    for (ClusterName c : new ClusterName[] {new ClusterName(REVIEWS, 9080, "v1"), new ClusterName(REVIEWS, 1, null)}) {
      assertThat(ClusterName.parse(c.toString())).isEqualTo(c);
    }
  }

  @Test
  void parseLowerCasesTheHostAndRefusesWhatIsNotAnOutboundName() {
    assertThat(ClusterName.parse("outbound|9080|v1|Reviews.default.svc.cluster.local"))
        .isEqualTo(new ClusterName(REVIEWS, 9080, "v1"));
    assertThat(ClusterName.parse("outbound|0||x")).isNull();
    assertThat(ClusterName.parse("outbound|65536||x")).isNull();
    assertThat(ClusterName.parse("outbound|+80||x")).isNull();
    assertThat(ClusterName.parse("outbound|9080|x")).isNull();
    assertThat(ClusterName.parse("outbound|9080|v1|")).isNull();
    assertThat(ClusterName.parse("inbound|9080||x")).isNull();
    assertThat(ClusterName.parse("backend")).isNull();
    assertThat(ClusterName.isIstioShaped("inbound|9080||x")).isTrue();
    assertThat(ClusterName.isIstioShaped("outbound|bad")).isTrue();
    assertThat(ClusterName.isIstioShaped("backend")).isFalse();
    assertThat(ClusterName.isInbound("inbound|9080||x")).isTrue();
  }
}
