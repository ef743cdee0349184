package io.meshlet.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostNamesTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";

  @Test
  void aServiceNameHasItsKubernetesAliasesTheShortNameOnlyInItsOwnNamespace() {
    assertThat(HostNames.aliases(REVIEWS, "default"))
        .containsExactly(REVIEWS, "reviews", "reviews.default", "reviews.default.svc");
    assertThat(HostNames.aliases(REVIEWS, "other")).containsExactly(REVIEWS, "reviews.default", "reviews.default.svc");
    assertThat(HostNames.aliases(REVIEWS, "default", 9080)).containsExactly(REVIEWS, REVIEWS + ":9080", "reviews",
        "reviews:9080", "reviews.default", "reviews.default:9080", "reviews.default.svc", "reviews.default.svc:9080");
  }

  @Test
  void otherHostsHaveNoAlias() {
    assertThat(HostNames.aliases("example.com", "default")).containsExactly("example.com");
    assertThat(HostNames.aliases("*.default.svc.cluster.local", "default")).containsExactly("*.default.svc.cluster.local");
    assertThat(HostNames.aliases("a.b.c.svc.cluster.local", "b")).containsExactly("a.b.c.svc.cluster.local");
    assertThat(HostNames.aliases("a.svc.cluster.local", "default")).containsExactly("a.svc.cluster.local");
  }
}
