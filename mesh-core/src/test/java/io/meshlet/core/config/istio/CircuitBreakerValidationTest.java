package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.cb;
import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.meshlet;
import static io.meshlet.core.config.istio.Yaml.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.CircuitBreakerPolicy;
import io.meshlet.core.model.CircuitBreakerPolicy.SlidingWindowType;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitBreakerValidationTest {
  private static final String P = "CircuitBreaker reviews (mesh.yaml): ";

  private static CircuitBreakerPolicy only(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().all()).hasSize(1);
    return r.config().circuitBreakers().get(0);
  }

  @Test
  void hostAloneTakesEveryDefault() {
    CircuitBreakerPolicy cb = only(cb("host: reviews"));
    assertThat(cb).isEqualTo(new CircuitBreakerPolicy(
        new ResourceId("CircuitBreaker", "default", "reviews"),
        new ResourceOrigin("file", "mesh.yaml"),
        "reviews.default.svc.cluster.local",
        List.of(),
        CircuitBreakerPolicy.DEFAULT_FAILURE_RATE_THRESHOLD,
        CircuitBreakerPolicy.DEFAULT_SLOW_CALL_RATE_THRESHOLD,
        CircuitBreakerPolicy.DEFAULT_SLOW_CALL_DURATION_THRESHOLD,
        CircuitBreakerPolicy.DEFAULT_MINIMUM_NUMBER_OF_CALLS,
        SlidingWindowType.COUNT_BASED,
        CircuitBreakerPolicy.DEFAULT_SLIDING_WINDOW_SIZE,
        CircuitBreakerPolicy.DEFAULT_WAIT_DURATION_IN_OPEN_STATE,
        CircuitBreakerPolicy.DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE,
        List.of(),
        List.of()));
    assertThat(cb.failureRateThreshold()).isEqualTo(50f);
    assertThat(cb.slowCallRateThreshold()).isEqualTo(100f);
    assertThat(cb.slowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(60));
    assertThat(cb.minimumNumberOfCalls()).isEqualTo(20);
    assertThat(cb.slidingWindowSize()).isEqualTo(100);
    assertThat(cb.waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(30));
    assertThat(cb.permittedNumberOfCallsInHalfOpenState()).isEqualTo(5);
  }

  @Test
  void everyField() {
    CircuitBreakerPolicy cb = only(cb("""
        host: reviews.prod
        subsets: [v1, v2]
        failureRateThreshold: 25.5
        slowCallRateThreshold: 80
        slowCallDurationThreshold: 1.5s
        minimumNumberOfCalls: "10"
        slidingWindow: {type: TIME_BASED, size: 30}
        waitDurationInOpenState: 1m
        permittedNumberOfCallsInHalfOpenState: 3
        exportTo: [.]
        """).replace("name: reviews", "name: reviews\n  namespace: shop"));
    assertThat(cb.id()).isEqualTo(new ResourceId("CircuitBreaker", "shop", "reviews"));
    assertThat(cb.host()).isEqualTo("reviews.prod");
    assertThat(cb.subsets()).containsExactly("v1", "v2");
    assertThat(cb.failureRateThreshold()).isEqualTo(25.5f);
    assertThat(cb.slowCallRateThreshold()).isEqualTo(80f);
    assertThat(cb.slowCallDurationThreshold()).isEqualTo(Duration.ofMillis(1500));
    assertThat(cb.minimumNumberOfCalls()).isEqualTo(10);
    assertThat(cb.slidingWindowType()).isEqualTo(SlidingWindowType.TIME_BASED);
    assertThat(cb.slidingWindowSize()).isEqualTo(30);
    assertThat(cb.waitDurationInOpenState()).isEqualTo(Duration.ofMinutes(1));
    assertThat(cb.permittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
    assertThat(cb.exportTo()).containsExactly(".");
    assertThat(cb.covers("v1")).isTrue();
    assertThat(cb.covers("v3")).isFalse();
    assertThat(cb.covers(null)).isFalse();
  }

  @Test
  void shortHostIsQualifiedInTheBreakerNamespace() {
    assertThat(only(cb("host: reviews").replace("name: reviews", "name: reviews\n  namespace: prod")).host())
        .isEqualTo("reviews.prod.svc.cluster.local");
  }

  @Test
  void snakeCase() {
    CircuitBreakerPolicy cb = only(cb("""
        host: reviews
        failure_rate_threshold: 10
        slow_call_rate_threshold: 90
        slow_call_duration_threshold: 2s
        minimum_number_of_calls: 4
        sliding_window: {type: COUNT_BASED, size: 8}
        wait_duration_in_open_state: 5s
        permitted_number_of_calls_in_half_open_state: 2
        export_to: ["*"]
        """));
    assertThat(cb.failureRateThreshold()).isEqualTo(10f);
    assertThat(cb.slowCallRateThreshold()).isEqualTo(90f);
    assertThat(cb.slowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(2));
    assertThat(cb.minimumNumberOfCalls()).isEqualTo(4);
    assertThat(cb.slidingWindowSize()).isEqualTo(8);
    assertThat(cb.waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(5));
    assertThat(cb.permittedNumberOfCallsInHalfOpenState()).isEqualTo(2);
    assertThat(cb.exportTo()).containsExactly("*");
  }

  @Test
  void everyErrorWithItsPath() {
    assertThat(errors(cb("""
        subsets: [v1, v1, "", 3]
        failureRateThreshold: 0
        slowCallRateThreshold: 100.5
        slowCallDurationThreshold: 0s
        minimumNumberOfCalls: 0
        slidingWindow: {type: SLIDING, size: 0}
        waitDurationInOpenState: 30
        permittedNumberOfCallsInHalfOpenState: 2.5
        exportTo: all
        """))).containsExactly(
            P + "host: missing (required)",
            P + "subsets[1]: 'v1' is listed twice (expected: unique names)",
            P + "subsets[2]: '' (expected: a non-empty string)",
            P + "subsets[3]: 3 (expected: a string)",
            P + "failureRateThreshold: 0 (expected: > 0 and <= 100)",
            P + "slowCallRateThreshold: 100.5 (expected: > 0 and <= 100)",
            P + "slowCallDurationThreshold: '0s' (expected: > 0)",
            P + "minimumNumberOfCalls: 0 (expected: 1..2147483647)",
            P + "slidingWindow.type: 'SLIDING' (expected: one of COUNT_BASED, TIME_BASED)",
            P + "slidingWindow.size: 0 (expected: 1..10000)",
            P + "waitDurationInOpenState: 30 (expected: a duration like 1.5s or 100ms)",
            P + "permittedNumberOfCallsInHalfOpenState: 2.5 (expected: an integer 1..10000)",
            P + "exportTo: 'all' (expected: a list of strings)");
  }

  @Test
  void moreTypeErrors() {
    assertThat(errors(cb("""
        host: ""
        subsets: v1
        failureRateThreshold: half
        slowCallRateThreshold: -1
        slidingWindow: 100
        """))).containsExactly(
            P + "host: '' (expected: a non-empty string)",
            P + "subsets: 'v1' (expected: a list of strings)",
            P + "failureRateThreshold: 'half' (expected: a number)",
            P + "slowCallRateThreshold: -1 (expected: > 0 and <= 100)",
            P + "slidingWindow: 100 (expected: a mapping)");
  }

  @Test
  void snakeCaseErrorsUseTheWrittenSpelling() {
    assertThat(errors(cb("""
        host: reviews
        failure_rate_threshold: 101
        sliding_window: {size: -1}
        """))).containsExactly(
            P + "failure_rate_threshold: 101 (expected: > 0 and <= 100)",
            P + "sliding_window.size: -1 (expected: 1..10000)");
  }

  @Test
  void unknownFieldsSuggestTheNearestName() {
    assertThat(errors(cb("""
        host: reviews
        failureRateTreshold: 10
        slidingWindow: {sise: 10}
        waitDurationInOpen: 5s
        """))).containsExactly(
            P + "failureRateTreshold: unknown field (did you mean failureRateThreshold?)",
            // Too far from any name for a guess: every name is listed.
            P + "waitDurationInOpen: unknown field (expected one of: host, subsets, failureRateThreshold, "
                + "slowCallRateThreshold, slowCallDurationThreshold, minimumNumberOfCalls, slidingWindow, "
                + "waitDurationInOpenState, permittedNumberOfCallsInHalfOpenState, exportTo)",
            P + "slidingWindow.sise: unknown field (did you mean size?)");
  }

  private static String breaker(String name, String spec) {
    return meshlet("CircuitBreaker", name, spec);
  }

  @Test
  void twoBreakersCoveringAllOfAHostConflict() {
    IstioYaml.ParseResult r = parse(breaker("a", "host: reviews") + "---\n"
        + breaker("b", "host: reviews.default.svc.cluster.local"));
    assertThat(r.errors()).extracting(Object::toString).containsExactly(
        "CircuitBreaker b (mesh.yaml): host: 'reviews.default.svc.cluster.local' is already covered by "
            + "CircuitBreaker default/a (expected: one CircuitBreaker per cluster)");
    assertThat(r.config().circuitBreakers()).extracting(c -> c.id().name()).containsExactly("a");
  }

  @Test
  void twoBreakersCoveringOneSubsetConflict() {
    assertThat(errors(breaker("v1", "{host: reviews, subsets: [v1]}") + "---\n"
        + breaker("v2-and-v1", "{host: reviews, subsets: [v2, v1]}"))).containsExactly(
            "CircuitBreaker v2-and-v1 (mesh.yaml): host: 'reviews.default.svc.cluster.local' subset v1 is already "
                + "covered by CircuitBreaker default/v1 (expected: one CircuitBreaker per cluster)");
  }

  @Test
  void aBreakerForAllSubsetsConflictsWithOneForSome() {
    assertThat(errors(breaker("v1", "{host: reviews, subsets: [v1]}") + "---\n"
        + breaker("all", "host: reviews"))).containsExactly(
            "CircuitBreaker all (mesh.yaml): host: 'reviews.default.svc.cluster.local' subset v1 is already "
                + "covered by CircuitBreaker default/v1 (expected: one CircuitBreaker per cluster)");
    assertThat(errors(breaker("all", "host: reviews") + "---\n"
        + breaker("v2", "{host: reviews, subsets: [v2]}"))).containsExactly(
            "CircuitBreaker v2 (mesh.yaml): host: 'reviews.default.svc.cluster.local' subset v2 is already "
                + "covered by CircuitBreaker default/all (expected: one CircuitBreaker per cluster)");
  }

  @Test
  void disjointSubsetsOtherHostsAndOtherKindsDoNotConflict() {
    IstioYaml.ParseResult r = parse(breaker("v1", "{host: reviews, subsets: [v1]}") + "---\n"
        + breaker("v2", "{host: reviews, subsets: [v2, v3]}") + "---\n"
        + breaker("ratings", "host: ratings") + "---\n"
        + breaker("other-ns", "host: reviews").replace("name: other-ns", "name: other-ns\n  namespace: prod") + "---\n"
        + meshlet("RateLimit", "v1", "{host: reviews, limitForPeriod: 10}") + "---\n"
        + Yaml.dr("host: reviews"));
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().circuitBreakers()).hasSize(4);
    assertThat(r.config().size()).isEqualTo(6);
  }

  @Test
  void aDuplicateNameIsReportedOnceAsADuplicate() {
    assertThat(errors(cb("host: reviews") + "---\n" + cb("host: reviews"))).containsExactly(
        P + "duplicate: CircuitBreaker default/reviews is defined more than once");
  }
}
