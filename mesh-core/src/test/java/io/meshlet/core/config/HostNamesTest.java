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

  @Test
  void partialWildcardsAreIstioHostsAndMatchNonEmptyTextBeforeTheirSuffix() {
    for (String ok : new String[] {"*x", "*-api.example.com", "*api.example.com", "*.example.com", "*"}) {
      assertThat(HostNames.problem(ok)).as(ok).isNull();
    }
    assertThat(HostNames.problem("x*.example.com")).contains("'*' is not allowed");
    assertThat(HostNames.problem("a.*x.example.com")).contains("* only at the start of the first label");
    assertThat(HostNames.problem("*-")).contains("'*-' needs a label after it");
    assertThat(HostNames.problem("*x-.example.com")).contains("a label starts or ends with -");
    assertThat(HostNames.matches("*-api.example.com", "eu-api.example.com")).isTrue();
    assertThat(HostNames.matches("*-api.example.com", "-api.example.com")).as("as Envoy: not empty").isFalse();
    assertThat(HostNames.matches("*-api.example.com", "eu-web.example.com")).isFalse();
  }
}
