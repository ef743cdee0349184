package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.rl;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.RateLimitPolicy;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitValidationTest {
  private static final String P = "RateLimit reviews (mesh.yaml): ";

  private static RateLimitPolicy only(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().all()).hasSize(1);
    return r.config().rateLimits().get(0);
  }

  @Test
  void hostAndLimitTakeTheDefaults() {
    assertThat(only(rl("{host: reviews, limitForPeriod: 100}"))).isEqualTo(new RateLimitPolicy(
        new ResourceId("RateLimit", "default", "reviews"),
        new ResourceOrigin("file", "mesh.yaml"),
        "reviews.default.svc.cluster.local",
        List.of(),
        100,
        Duration.ofSeconds(1),
        List.of(),
        List.of()));
  }

  @Test
  void everyField() {
    RateLimitPolicy rl = only(rl("""
        host: reviews
        routes: [reads, writes]
        limitForPeriod: "5"
        limitRefreshPeriod: 100ms
        exportTo: [prod]
        """).replace("name: reviews", "name: reviews\n  namespace: prod"));
    assertThat(rl.id()).isEqualTo(new ResourceId("RateLimit", "prod", "reviews"));
    assertThat(rl.host()).isEqualTo("reviews.prod.svc.cluster.local");
    assertThat(rl.routes()).containsExactly("reads", "writes");
    assertThat(rl.limitForPeriod()).isEqualTo(5);
    assertThat(rl.limitRefreshPeriod()).isEqualTo(Duration.ofMillis(100));
    assertThat(rl.exportTo()).containsExactly("prod");
    assertThat(rl.covers("reads")).isTrue();
    assertThat(rl.covers(null)).isFalse();
  }

  @Test
  void snakeCase() {
    RateLimitPolicy rl = only(rl("""
        host: reviews
        limit_for_period: 7
        limit_refresh_period: 10s
        export_to: ["*"]
        """));
    assertThat(rl.limitForPeriod()).isEqualTo(7);
    assertThat(rl.limitRefreshPeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(rl.exportTo()).containsExactly("*");
  }

  @Test
  void requiredFields() {
    assertThat(errors(rl("routes: [reads]"))).containsExactly(
        P + "host: missing (required)",
        P + "limitForPeriod: missing (required)");
    assertThat(errors(rl("{host: reviews, limitForPeriod: null}"))).containsExactly(
        P + "limitForPeriod: missing (required)");
  }

  @Test
  void everyErrorWithItsPath() {
    assertThat(errors(rl("""
        host: reviews
        routes: [reads, "", reads]
        limit_for_period: 0
        limitRefreshPeriod: 0s
        exportTo: [1]
        """))).containsExactly(
            P + "routes[1]: '' (expected: a non-empty string)",
            P + "routes[2]: 'reads' is listed twice (expected: unique names)",
            P + "limit_for_period: 0 (expected: 1..2147483647)",
            P + "limitRefreshPeriod: '0s' (expected: > 0)",
            P + "exportTo[0]: 1 (expected: a string)");
    assertThat(errors(rl("""
        host: reviews
        routes: reads
        limitForPeriod: many
        limitRefreshPeriod: 1 second
        """))).containsExactly(
            P + "routes: 'reads' (expected: a list of strings)",
            P + "limitForPeriod: 'many' (expected: an integer 1..2147483647)",
            P + "limitRefreshPeriod: '1 second' (expected: a duration like 1.5s or 100ms)");
  }

  @Test
  void unknownFieldsSuggestTheNearestName() {
    assertThat(errors(rl("""
        host: reviews
        limitForPeriod: 10
        limitRefreshPeriods: 1s
        route: [reads]
        """))).containsExactly(
            P + "limitRefreshPeriods: unknown field (did you mean limitRefreshPeriod?)",
            P + "route: unknown field (did you mean routes?)");
  }

  @Test
  void severalLimitsForOneHostAreAllowed() {
    IstioYaml.ParseResult r = parse(rl("{host: reviews, limitForPeriod: 100}") + "---\n"
        + rl("{host: reviews, routes: [writes], limitForPeriod: 5}").replace("name: reviews", "name: reviews-writes"));
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().rateLimits()).extracting(RateLimitPolicy::limitForPeriod).containsExactly(100, 5);
  }

  @Test
  void aWorkloadSelectorMakesItServerSide() {
    RateLimitPolicy rl = only(rl("""
        workloadSelector: {labels: {app: reviews}}
        limitForPeriod: 50
        """));
    assertThat(rl.serverSide()).isTrue();
    assertThat(rl.workloadSelector()).containsExactly(java.util.Map.entry("app", "reviews"));
    assertThat(rl.selects(java.util.Map.of("app", "reviews", "version", "v1"))).isTrue();
    assertThat(rl.selects(java.util.Map.of("app", "ratings"))).isFalse();
  }

  @Test
  void hostOrWorkloadSelectorNotBoth() {
    assertThat(errors(rl("""
        host: reviews
        routes: [reads]
        workloadSelector: {labels: {app: reviews}}
        limitForPeriod: 5
        """))).containsExactlyInAnyOrder(
            P + "host: host and workloadSelector given (expected: host for a client-side limit, workloadSelector for a server-side one)",
            P + "routes: routes and workloadSelector given (expected: routes only with host)");
    assertThat(errors(rl("""
        workloadSelector: {labels: {}}
        limitForPeriod: 5
        """))).containsExactly(P + "workloadSelector.labels: missing or empty (expected: the labels of the workloads to limit)");
  }
}
