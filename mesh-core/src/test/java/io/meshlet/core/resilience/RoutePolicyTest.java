package io.meshlet.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.model.GrpcCode;
import io.meshlet.core.model.RetryPolicy;
import io.meshlet.core.model.RetryPolicy.Condition;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutePolicyTest {
  private static RoutePolicy retrying(Condition... on) {
    return new RoutePolicy(null, new RetryPolicy(2, null, Set.of(on), Set.of(503, 429), false, null, false), null);
  }

  @Test
  void istiosDefaultRetriesConnectFailuresRefusedStreamsAnd503() {
    RoutePolicy p = RoutePolicy.DEFAULT;
    assertThat(p.retriable(AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE))).isTrue();
    assertThat(p.retriable(AttemptResult.failure(AttemptResult.Failure.REFUSED_STREAM))).isTrue();
    assertThat(p.retriable(AttemptResult.status(503))).isTrue();
    assertThat(p.retriable(AttemptResult.status(500))).isFalse();
    assertThat(p.retriable(AttemptResult.failure(AttemptResult.Failure.RESET))).isFalse();
    assertThat(p.retriable(AttemptResult.status(200))).isFalse();
  }

  @Test
  void eachConditionMeansWhatEnvoySays() {
    assertThat(retrying(Condition.FIVE_XX).retriable(AttemptResult.status(500))).isTrue();
    assertThat(retrying(Condition.FIVE_XX).retriable(AttemptResult.failure(AttemptResult.Failure.RESET))).isTrue();
    assertThat(retrying(Condition.GATEWAY_ERROR).retriable(AttemptResult.status(504))).isTrue();
    assertThat(retrying(Condition.GATEWAY_ERROR).retriable(AttemptResult.status(500))).isFalse();
    assertThat(retrying(Condition.GATEWAY_ERROR).retriable(AttemptResult.failure(AttemptResult.Failure.TIMEOUT))).isTrue();
    assertThat(retrying(Condition.RESET).retriable(AttemptResult.failure(AttemptResult.Failure.RESET))).isTrue();
    assertThat(retrying(Condition.RESET).retriable(AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE))).isFalse();
    assertThat(retrying(Condition.RETRIABLE_4XX).retriable(AttemptResult.status(409))).isTrue();
    assertThat(retrying(Condition.RETRIABLE_STATUS_CODES).retriable(AttemptResult.status(429))).isTrue();
    assertThat(retrying(Condition.RETRIABLE_STATUS_CODES).retriable(AttemptResult.status(404))).isFalse();
    assertThat(retrying(Condition.UNAVAILABLE).retriable(AttemptResult.status(503)))
        .as("gRPC conditions match gRPC statuses only").isFalse();
  }

  @Test
  void theGrpcConditionsMatchGrpcStatusesAndTheHttpOnesDoNot() {
    for (GrpcCode code : GrpcCode.values()) {
      AttemptResult r = AttemptResult.grpc(code);
      assertThat(retrying(Condition.CANCELLED).retriable(r)).isEqualTo(code == GrpcCode.CANCELLED);
      assertThat(retrying(Condition.DEADLINE_EXCEEDED).retriable(r)).isEqualTo(code == GrpcCode.DEADLINE_EXCEEDED);
      assertThat(retrying(Condition.INTERNAL).retriable(r)).isEqualTo(code == GrpcCode.INTERNAL);
      assertThat(retrying(Condition.RESOURCE_EXHAUSTED).retriable(r)).isEqualTo(code == GrpcCode.RESOURCE_EXHAUSTED);
      assertThat(retrying(Condition.UNAVAILABLE).retriable(r)).isEqualTo(code == GrpcCode.UNAVAILABLE);
      assertThat(retrying(Condition.FIVE_XX, Condition.GATEWAY_ERROR, Condition.RETRIABLE_STATUS_CODES).retriable(r))
          .as("%s travels in an HTTP 200: the HTTP conditions do not see it, as in Envoy", code).isFalse();
    }
    assertThat(RoutePolicy.DEFAULT.retriable(AttemptResult.grpc(GrpcCode.UNAVAILABLE))).as("Istio's default").isTrue();
    assertThat(RoutePolicy.DEFAULT.retriable(AttemptResult.grpc(GrpcCode.CANCELLED))).isTrue();
    assertThat(RoutePolicy.DEFAULT.retriable(AttemptResult.grpc(GrpcCode.INTERNAL))).isFalse();
  }

  @Test
  void outlierDetectionCountsAGrpcStatusAsEnvoyMapsIt() {
    assertThat(AttemptResult.grpc(GrpcCode.UNAVAILABLE).countsAs5xx()).isTrue();
    assertThat(AttemptResult.grpc(GrpcCode.UNAVAILABLE).countsAsGatewayError()).isTrue();
    assertThat(AttemptResult.grpc(GrpcCode.DEADLINE_EXCEEDED).countsAsGatewayError()).isTrue();
    assertThat(AttemptResult.grpc(GrpcCode.INTERNAL).countsAs5xx()).isTrue();
    assertThat(AttemptResult.grpc(GrpcCode.INTERNAL).countsAsGatewayError()).isFalse();
    assertThat(AttemptResult.grpc(GrpcCode.NOT_FOUND).countsAs5xx()).isFalse();
    assertThat(AttemptResult.grpc(GrpcCode.OK).countsAs5xx()).isFalse();
    assertThat(AttemptResult.grpc(GrpcCode.UNAVAILABLE).is5xx()).as("its wire status is 200").isFalse();
    assertThat(AttemptResult.status(503).countsAs5xx()).isTrue();
  }

  @Test
  void grpcCallsAreRetriedThoughTheyArePosts() {
    assertThat(RoutePolicy.DEFAULT.mayRetry("POST", true)).isTrue();
    assertThat(RoutePolicy.DEFAULT.mayRetry("POST", false)).isFalse();
  }

  @Test
  void postAndPatchAreNotRetriedUnlessTheRouteOptsIn() {
    assertThat(RoutePolicy.DEFAULT.mayRetry("GET")).isTrue();
    assertThat(RoutePolicy.DEFAULT.mayRetry("PUT")).isTrue();
    assertThat(RoutePolicy.DEFAULT.mayRetry("DELETE")).isTrue();
    assertThat(RoutePolicy.DEFAULT.mayRetry("POST")).isFalse();
    assertThat(RoutePolicy.DEFAULT.mayRetry("PATCH")).isFalse();
    RetryPolicy optIn = new RetryPolicy(2, null, EnumSet.of(Condition.FIVE_XX), Set.of(), false, null, true);
    assertThat(new RoutePolicy(null, optIn, null).mayRetry("POST")).isTrue();
  }

  @Test
  void faultsHitTheirPercentage() {
    FaultInjection fault = new FaultInjection(new FaultInjection.Delay(Duration.ofSeconds(5), 30),
        new FaultInjection.Abort(503, null, 12.5));
    RoutePolicy p = new RoutePolicy(null, RetryPolicy.DEFAULT, fault);
    Random random = new Random(5);
    int delays = 0;
    int aborts = 0;
    int n = 40_000;
    for (int i = 0; i < n; i++) {
      if (p.drawDelay(random) != null) {
        delays++;
      }
      if (p.drawAbort(random) != null) {
        aborts++;
      }
    }
    assertThat(delays / (double) n).isCloseTo(0.30, within(0.01));
    assertThat(aborts / (double) n).isCloseTo(0.125, within(0.01));
    RoutePolicy never = new RoutePolicy(null, RetryPolicy.DEFAULT,
        new FaultInjection(new FaultInjection.Delay(Duration.ofSeconds(1), 0), null));
    assertThat(never.drawDelay(random)).isNull();
  }

  @Test
  void backoffGrowsFromTheBaseAndStaysUnderTenTimesIt() {
    RetryPolicy slow = new RetryPolicy(5, null, EnumSet.of(Condition.FIVE_XX), Set.of(), false, Duration.ofMillis(100), false);
    RoutePolicy p = new RoutePolicy(null, slow, null);
    for (int retry = 1; retry <= 5; retry++) {
      Duration d = p.backoff(retry);
      assertThat(d).isBetween(Duration.ofMillis(50), Duration.ofMillis(1000));
    }
    assertThat(RoutePolicy.DEFAULT.backoff(1)).isBetween(Duration.ofMillis(12), Duration.ofMillis(38));
  }
}
