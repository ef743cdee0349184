package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.dr;
import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One DestinationRule holding every field of the {@code networking.istio.io/v1} reference (our own
 * YAML, written from the field list of destination_rule.proto): none is an error (an unknown field is
 * one), and those Meshlet does not apply are named in warnings.
 */
class DestinationRuleEveryFieldTest {
  private static final String POLICY = """
      loadBalancer:
        simple: LEAST_REQUEST
        localityLbSetting:
          enabled: true
          failoverPriority: [topology.kubernetes.io/region]
        warmupDurationSecs: 30s
      connectionPool:
        tcp:
          maxConnections: 10
          connectTimeout: 1s
          tcpKeepalive: {probes: 3, time: 7200s, interval: 75s}
          maxConnectionDuration: 1h
          idleTimeout: 5m
        http:
          http1MaxPendingRequests: 5
          http2MaxRequests: 100
          maxRequestsPerConnection: 10
          maxRetries: 3
          idleTimeout: 30s
          h2UpgradePolicy: UPGRADE
          useClientProtocol: true
          maxConcurrentStreams: 100
          http2KeepAlive: {interval: 30s, timeout: 5s}
      outlierDetection:
        splitExternalLocalOriginErrors: true
        consecutiveLocalOriginFailures: 5
        consecutiveGatewayErrors: 5
        consecutive5xxErrors: 5
        interval: 10s
        baseEjectionTime: 30s
        maxEjectionPercent: 50
        minHealthPercent: 10
      tls:
        mode: SIMPLE
        sni: reviews.example.com
        subjectAltNames: [reviews.example.com]
        insecureSkipVerify: false
      proxyProtocol: {version: V2}
      tunnel: {protocol: CONNECT, targetHost: reviews.example.com, targetPort: 443}
      retryBudget: {percent: {value: 20}, minRetryConcurrency: 3}
      """;

  @Test
  void everyFieldIsKnown() {
    String yaml = dr("""
        host: reviews
        exportTo: ["."]
        workloadSelector: {matchLabels: {app: productpage}}
        trafficPolicy:
        %s  portLevelSettings:
          - port: {number: 9080}
            loadBalancer:
              consistentHash:
                httpCookie: {name: user, path: /, ttl: 0s, attributes: [{name: SameSite, value: Strict}]}
                minimumRingSize: 1024
              zoneAwareLbSetting: {enabled: true, failover: [{from: us-east1-a, to: us-east1-b}]}
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy:
            loadBalancer:
              consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 65537}}
              warmup: {duration: 10s, minimumPercent: 10, aggression: 1.5}
        """.formatted(POLICY.indent(2)));
    assertThat(errors(yaml)).isEmpty();
    // An unknown field is an error, so the line above is the coverage check; the fields not applied are named.
    assertThat(warnings(yaml)).anyMatch(w -> w.contains("trafficPolicy.connectionPool.tcp.tcpKeepalive: "))
        .anyMatch(w -> w.contains("trafficPolicy.connectionPool.http.maxConcurrentStreams: "))
        .anyMatch(w -> w.contains("trafficPolicy.connectionPool.http.http2KeepAlive: "))
        .anyMatch(w -> w.contains("portLevelSettings[0].loadBalancer.zoneAwareLbSetting: "));
  }
}
