package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.dr;
import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.ConnectionPoolSettings;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.OutlierDetection;
import io.meshlet.core.model.PortTrafficPolicy;
import io.meshlet.core.model.RetryBudget;
import io.meshlet.core.model.TrafficPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code trafficPolicy.connectionPool}, {@code outlierDetection} and {@code retryBudget}. */
class DestinationRuleResilienceValidationTest {
  private static final String P = "DestinationRule reviews (mesh.yaml): ";
  private static final OutlierDetection DEFAULT_OUTLIER = new OutlierDetection(
      5, 0, 5, false, Duration.ofSeconds(10), Duration.ofSeconds(30), 10, 0);

  private static DestinationRule only(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.errors()).isEmpty();
    return r.config().destinationRules().get(0);
  }

  private static TrafficPolicy policy(String trafficPolicy) {
    return only(dr("host: reviews\ntrafficPolicy: " + trafficPolicy)).trafficPolicy();
  }

  @Test
  void connectionPoolLimitsLandInTheModel() {
    String yaml = dr("""
        host: reviews
        trafficPolicy:
          connectionPool:
            tcp: {maxConnections: 100, connectTimeout: 30ms}
            http: {http1MaxPendingRequests: 7, http2MaxRequests: 1000, maxRequestsPerConnection: 10, maxRetries: 3, idleTimeout: 1h30m}
        """);
    DestinationRule dr = only(yaml);
    assertThat(dr.trafficPolicy().connectionPool()).isEqualTo(new ConnectionPoolSettings(
        100, Duration.ofMillis(30), 7, 1000, 10, 3, Duration.ofMinutes(90)));
    assertThat(dr.notYetApplied()).isEmpty();
    assertThat(warnings(yaml)).isEmpty();
  }

  @Test
  void connectionPoolZerosAndAbsentFieldsAreUnset() {
    ConnectionPoolSettings unset = new ConnectionPoolSettings(0, null, 0, 0, 0, 0, null);
    assertThat(policy("{connectionPool: {}}").connectionPool()).isEqualTo(unset);
    assertThat(policy("{connectionPool: {tcp: {maxConnections: 0, connectTimeout: 0s}, http: {idleTimeout: 0s, maxRetries: 0}}}")
        .connectionPool()).isEqualTo(unset);
    assertThat(policy("{loadBalancer: {simple: RANDOM}}").connectionPool()).isNull();
  }

  @Test
  void connectionPoolFieldsNotAppliedAreListedEachWithItsPath() {
    String yaml = dr("""
        host: reviews
        trafficPolicy:
          connectionPool:
            tcp:
              maxConnections: 5
              tcpKeepalive: {time: 7200s, interval: 75s, probes: 9}
              maxConnectionDuration: 1h
              idleTimeout: 10m
            http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true, maxConcurrentStreams: 100}
        """);
    DestinationRule dr = only(yaml);
    assertThat(dr.trafficPolicy().connectionPool().maxConnections()).isEqualTo(5);
    assertThat(dr.notYetApplied()).containsExactly(
        "trafficPolicy.connectionPool.tcp.tcpKeepalive",
        "trafficPolicy.connectionPool.tcp.maxConnectionDuration",
        "trafficPolicy.connectionPool.tcp.idleTimeout",
        "trafficPolicy.connectionPool.http.h2UpgradePolicy",
        "trafficPolicy.connectionPool.http.useClientProtocol",
        "trafficPolicy.connectionPool.http.maxConcurrentStreams");
    assertThat(warnings(yaml)).containsExactlyElementsOf(
        dr.notYetApplied().stream().map(p -> P + p + ": not yet applied by Meshlet").toList());
  }

  @Test
  void outlierDetectionDefaultsAreEnvoys() {
    assertThat(policy("{outlierDetection: {}}").outlierDetection()).isEqualTo(DEFAULT_OUTLIER);
  }

  @Test
  void everyOutlierDetectionFieldLandsInTheModel() {
    assertThat(policy("\n" + """
        outlierDetection:
          consecutive5xxErrors: 7
          consecutiveGatewayErrors: 3
          consecutiveLocalOriginFailures: 2
          splitExternalLocalOriginErrors: true
          interval: 5s
          baseEjectionTime: 1m
          maxEjectionPercent: 100
          minHealthPercent: 50
        """.indent(2)).outlierDetection()).isEqualTo(new OutlierDetection(
            7, 3, 2, true, Duration.ofSeconds(5), Duration.ofMinutes(1), 100, 50));
    assertThat(policy("{outlierDetection: {consecutive5xxErrors: 0}}").outlierDetection().consecutive5xxErrors()).isZero();
  }

  @Test
  void deprecatedConsecutiveErrorsCountsGatewayErrorsAsInIstio() {
    assertThat(policy("{outlierDetection: {consecutiveErrors: 4}}").outlierDetection())
        .isEqualTo(new OutlierDetection(0, 4, 5, false, Duration.ofSeconds(10), Duration.ofSeconds(30), 10, 0));
    OutlierDetection both = policy("{outlierDetection: {consecutiveErrors: 4, consecutive5xxErrors: 6}}").outlierDetection();
    assertThat(both.consecutive5xxErrors()).isEqualTo(6);
    assertThat(both.consecutiveGatewayErrors()).isEqualTo(4);
    assertThat(policy("{outlierDetection: {consecutiveErrors: 0}}").outlierDetection()).isEqualTo(DEFAULT_OUTLIER);
  }

  @Test
  void outlierDetectionErrors() {
    assertThat(errors(dr("""
        host: reviews
        trafficPolicy:
          outlierDetection: {interval: 0s, baseEjectionTime: "0", maxEjectionPercent: 101, minHealthPercent: -1, consecutive5xxErrors: x}
        """))).containsExactly(
            P + "trafficPolicy.outlierDetection.consecutive5xxErrors: 'x' (expected: an integer 0..2147483647)",
            P + "trafficPolicy.outlierDetection.interval: '0s' (expected: > 0)",
            P + "trafficPolicy.outlierDetection.baseEjectionTime: '0' (expected: > 0)",
            P + "trafficPolicy.outlierDetection.maxEjectionPercent: 101 (expected: 0..100)",
            P + "trafficPolicy.outlierDetection.minHealthPercent: -1 (expected: 0..100)");
  }

  @Test
  void retryBudgetWithDefaults() {
    assertThat(policy("{retryBudget: {}}").retryBudget()).isEqualTo(new RetryBudget(20.0, 3));
    assertThat(policy("{retryBudget: {percent: {value: 12.5}, minRetryConcurrency: 10}}").retryBudget())
        .isEqualTo(new RetryBudget(12.5, 10));
    assertThat(policy("{retryBudget: {percent: {}}}").retryBudget()).isEqualTo(RetryBudget.DEFAULT);
    assertThat(errors(dr("{host: reviews, trafficPolicy: {retryBudget: {percent: {value: 101}, minRetryConcurrency: -1}}}")))
        .containsExactly(
            P + "trafficPolicy.retryBudget.percent.value: 101 (expected: 0..100)",
            P + "trafficPolicy.retryBudget.minRetryConcurrency: -1 (expected: 0..2147483647)");
  }

  @Test
  void portLevelAndSubsetLevelSettingsLandWhereTheyAreWritten() {
    String yaml = dr("""
        host: reviews
        trafficPolicy:
          connectionPool: {tcp: {maxConnections: 100}}
          outlierDetection: {consecutive5xxErrors: 3}
          portLevelSettings:
          - port: {number: 9080}
            connectionPool: {http: {http2MaxRequests: 50}}
            retryBudget: {minRetryConcurrency: 1}
          - port: {number: 9090}
            outlierDetection: {baseEjectionTime: 1m}
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            retryBudget: {percent: {value: 50}}
            portLevelSettings:
            - port: {number: 9080}
              connectionPool: {tcp: {maxConnections: 1}}
        """);
    DestinationRule dr = only(yaml);
    assertThat(warnings(yaml)).isEmpty();
    TrafficPolicy host = dr.trafficPolicy();
    ConnectionPoolSettings hostPool = new ConnectionPoolSettings(100, null, 0, 0, 0, 0, null);
    ConnectionPoolSettings port9080Pool = new ConnectionPoolSettings(0, null, 0, 50, 0, 0, null);
    ConnectionPoolSettings v2Pool = new ConnectionPoolSettings(1, null, 0, 0, 0, 0, null);
    OutlierDetection hostOutlier = new OutlierDetection(3, 0, 5, false, Duration.ofSeconds(10), Duration.ofSeconds(30), 10, 0);
    assertThat(host.connectionPool()).isEqualTo(hostPool);
    assertThat(host.outlierDetection()).isEqualTo(hostOutlier);
    assertThat(host.retryBudget()).isNull();
    assertThat(host.portLevelSettings()).containsExactly(
        new PortTrafficPolicy(9080, null, port9080Pool, null, new RetryBudget(20.0, 1)),
        new PortTrafficPolicy(9090, null, null, new OutlierDetection(
            5, 0, 5, false, Duration.ofSeconds(10), Duration.ofMinutes(1), 10, 0), null));
    assertThat(dr.subsets().get(0).trafficPolicy()).isNull();
    TrafficPolicy v2 = dr.subsets().get(1).trafficPolicy();
    assertThat(v2.retryBudget()).isEqualTo(new RetryBudget(50.0, 3));
    assertThat(v2.portLevelSettings()).containsExactly(new PortTrafficPolicy(9080, null, v2Pool, null, null));

    assertThat(TrafficPolicy.resolve(v2, host, 9080, TrafficPolicy::connectionPoolFor)).isEqualTo(v2Pool);
    assertThat(TrafficPolicy.resolve(v2, host, 9091, TrafficPolicy::connectionPoolFor)).isEqualTo(hostPool);
    assertThat(TrafficPolicy.resolve(null, host, 9080, TrafficPolicy::connectionPoolFor)).isEqualTo(port9080Pool);
    assertThat(TrafficPolicy.resolve(v2, host, 9080, TrafficPolicy::outlierDetectionFor)).isEqualTo(hostOutlier);
    assertThat(TrafficPolicy.resolve(v2, host, 9080, TrafficPolicy::retryBudgetFor)).isEqualTo(new RetryBudget(50.0, 3));
    assertThat(TrafficPolicy.resolve(null, host, 9080, TrafficPolicy::retryBudgetFor)).isEqualTo(new RetryBudget(20.0, 1));
  }

  @Test
  void portLevelNotYetAppliedFieldsHaveTheirPortPath() {
    String yaml = dr("""
        host: reviews
        trafficPolicy:
          portLevelSettings:
          - port: {number: 9080}
            connectionPool: {http: {maxConcurrentStreams: 10}}
        """);
    assertThat(only(yaml).notYetApplied())
        .containsExactly("trafficPolicy.portLevelSettings[0].connectionPool.http.maxConcurrentStreams");
  }
}
