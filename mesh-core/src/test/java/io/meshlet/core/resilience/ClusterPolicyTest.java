package io.meshlet.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.lb.EndpointHealth;
import io.meshlet.core.model.ConnectionPoolSettings;
import io.meshlet.core.model.OutlierDetection;
import io.meshlet.core.model.RetryBudget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterPolicyTest {
  private final ManualTime time = new ManualTime();

  private static List<Endpoint> endpoints(int n) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Endpoint("10.0.0." + (i + 1), 8080, Map.of(), 1, null));
    }
    return out;
  }

  private static OutlierDetection outlier(int consecutive5xx, int maxEjectionPercent, int minHealthPercent) {
    return new OutlierDetection(consecutive5xx, 0, 5, false, Duration.ofSeconds(10), Duration.ofSeconds(30),
        maxEjectionPercent, minHealthPercent);
  }

  @Test
  void consecutive5xxEjectsForAGrowingTime() {
    List<Endpoint> eps = endpoints(3);
    ClusterPolicy p = new ClusterPolicy("c", null, outlier(3, 100, 0), null);
    Endpoint bad = eps.get(0);
    p.report(bad, AttemptResult.status(503), time.nanoTime(), eps);
    p.report(bad, AttemptResult.status(500), time.nanoTime(), eps);
    assertThat(bad.health().isEjected(time.nanoTime())).isFalse();
    p.report(bad, AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE), time.nanoTime(), eps);
    assertThat(bad.health().isEjected(time.nanoTime())).isTrue();
    assertThat(p.honoursEjections(time.nanoTime())).isTrue();

    time.advance(Duration.ofSeconds(31));
    assertThat(bad.health().isEjected(time.nanoTime())).isFalse();
    for (int i = 0; i < 3; i++) {
      p.report(bad, AttemptResult.status(502), time.nanoTime(), eps);
    }
    // Second ejection: twice the base time.
    time.advance(Duration.ofSeconds(59));
    assertThat(bad.health().isEjected(time.nanoTime())).isTrue();
    time.advance(Duration.ofSeconds(2));
    assertThat(bad.health().isEjected(time.nanoTime())).isFalse();
    assertThat(bad.health().ejections()).isEqualTo(2);
  }

  @Test
  void anEndpointGetsOutlierStateOnlyOnItsFirstCountedFailure() {
    List<Endpoint> eps = endpoints(2);
    ClusterPolicy p = new ClusterPolicy("c", null, outlier(2, 100, 0), null);
    p.report(eps.get(0), AttemptResult.status(200), time.nanoTime(), eps);
    assertThat(eps.get(0).health()).as("successes only: the shared read-only state").isSameAs(EndpointHealth.NONE);
    p.report(eps.get(0), AttemptResult.status(503), time.nanoTime(), eps);
    assertThat(eps.get(0).health()).isNotSameAs(EndpointHealth.NONE).isSameAs(eps.get(0).trackedHealth());
    assertThat(eps.get(0).health().consecutive5xx()).isEqualTo(1);
    assertThat(eps.get(1).health()).isSameAs(EndpointHealth.NONE);
    assertThat(EndpointHealth.NONE.consecutive5xx()).isZero();
    org.assertj.core.api.Assertions.assertThatThrownBy(EndpointHealth.NONE::fail5xx)
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
  }

  @Test
  void aSuccessEndsTheRun() {
    List<Endpoint> eps = endpoints(2);
    ClusterPolicy p = new ClusterPolicy("c", null, outlier(2, 100, 0), null);
    p.report(eps.get(0), AttemptResult.status(503), time.nanoTime(), eps);
    p.report(eps.get(0), AttemptResult.status(200), time.nanoTime(), eps);
    p.report(eps.get(0), AttemptResult.status(503), time.nanoTime(), eps);
    assertThat(eps.get(0).health().isEjected(time.nanoTime())).isFalse();
  }

  @Test
  void maxEjectionPercentCapsEjectionsButOneIsAlwaysAllowed() {
    List<Endpoint> eps = endpoints(4);
    ClusterPolicy p = new ClusterPolicy("c", null, outlier(1, 10, 0), null);
    p.report(eps.get(0), AttemptResult.status(500), time.nanoTime(), eps);
    p.report(eps.get(1), AttemptResult.status(500), time.nanoTime(), eps);
    assertThat(eps.get(0).health().isEjected(time.nanoTime())).isTrue();
    assertThat(eps.get(1).health().isEjected(time.nanoTime())).isFalse();

    ClusterPolicy half = new ClusterPolicy("c", null, outlier(1, 50, 0), null);
    List<Endpoint> more = endpoints(4);
    for (Endpoint e : more) {
      half.report(e, AttemptResult.status(500), time.nanoTime(), more);
    }
    assertThat(more.stream().filter(e -> e.health().isEjected(time.nanoTime()))).hasSize(2);
  }

  @Test
  void panicBelowMinHealthPercent() {
    List<Endpoint> eps = endpoints(4);
    ClusterPolicy p = new ClusterPolicy("c", null, outlier(1, 100, 80), null);
    assertThat(p.panic(time.nanoTime(), eps)).isFalse();
    p.report(eps.get(0), AttemptResult.status(500), time.nanoTime(), eps);
    assertThat(p.panic(time.nanoTime(), eps)).isTrue(); // 3 of 4 healthy: 75 % < 80 %
  }

  @Test
  void panicCountsHealthyEndpoints() {
    List<Endpoint> eps = endpoints(4);
    ClusterPolicy p = new ClusterPolicy("c", null, outlier(1, 100, 50), null);
    p.report(eps.get(0), AttemptResult.status(500), time.nanoTime(), eps);
    assertThat(p.panic(time.nanoTime(), eps)).isFalse(); // 75 % healthy
    p.report(eps.get(1), AttemptResult.status(500), time.nanoTime(), eps);
    assertThat(p.panic(time.nanoTime(), eps)).isFalse(); // 50 % healthy: not below
    p.report(eps.get(2), AttemptResult.status(500), time.nanoTime(), eps);
    assertThat(p.panic(time.nanoTime(), eps)).isTrue(); // 25 %
  }

  @Test
  void splitLocalOriginErrorsCountSeparately() {
    List<Endpoint> eps = endpoints(2);
    OutlierDetection od = new OutlierDetection(5, 0, 2, true, Duration.ofSeconds(10), Duration.ofSeconds(30), 100, 0);
    ClusterPolicy p = new ClusterPolicy("c", null, od, null);
    p.report(eps.get(0), AttemptResult.failure(AttemptResult.Failure.TIMEOUT), time.nanoTime(), eps);
    assertThat(eps.get(0).health().isEjected(time.nanoTime())).isFalse();
    p.report(eps.get(0), AttemptResult.failure(AttemptResult.Failure.RESET), time.nanoTime(), eps);
    assertThat(eps.get(0).health().isEjected(time.nanoTime())).isTrue();
  }

  @Test
  void theConnectionPoolRefusesOverflowAtOnce() {
    ConnectionPoolSettings pool = new ConnectionPoolSettings(1, null, 1, 0, 0, 0, null);
    ClusterPolicy p = new ClusterPolicy("c", pool, null, null);
    assertThat(p.tryAdmit()).isTrue();
    assertThat(p.tryAdmit()).isTrue();
    assertThat(p.tryAdmit()).as("maxConnections 1 + http1MaxPendingRequests 1").isFalse();
    p.release();
    assertThat(p.tryAdmit()).isTrue();
    assertThat(ClusterPolicy.admissionLimit(new ConnectionPoolSettings(0, null, 0, 7, 0, 0, null))).isEqualTo(7);
    assertThat(ClusterPolicy.admissionLimit(new ConnectionPoolSettings(10, null, 5, 7, 0, 0, null))).isEqualTo(7);
    assertThat(ClusterPolicy.admissionLimit(new ConnectionPoolSettings(0, null, 0, 0, 0, 0, null))).isZero();
  }

  @Test
  void theRetryBudgetIsAPercentOfRequestsInFlightWithAFloor() {
    ClusterPolicy p = new ClusterPolicy("c", null, null, new RetryBudget(20, 2));
    for (int i = 0; i < 20; i++) {
      assertThat(p.tryAdmit()).isTrue();
    }
    // 20 % of 20 in flight = 4 retries.
    for (int i = 0; i < 4; i++) {
      assertThat(p.tryStartRetry()).isTrue();
    }
    assertThat(p.tryStartRetry()).isFalse();
    p.endRetry();
    assertThat(p.tryStartRetry()).isTrue();

    ClusterPolicy quiet = new ClusterPolicy("c", null, null, new RetryBudget(20, 2));
    quiet.tryAdmit();
    assertThat(quiet.tryStartRetry()).isTrue();
    assertThat(quiet.tryStartRetry()).isTrue();
    assertThat(quiet.tryStartRetry()).as("the floor, minRetryConcurrency").isFalse();

    ClusterPolicy capped = new ClusterPolicy("c", new ConnectionPoolSettings(0, null, 0, 0, 0, 1, null), null, null);
    assertThat(capped.tryStartRetry()).isTrue();
    assertThat(capped.tryStartRetry()).as("maxRetries 1").isFalse();
  }
}
