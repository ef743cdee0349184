package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.dr;
import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.LocalityLbSetting;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash.HashOn;
import io.meshlet.core.model.PortTrafficPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationRuleValidationTest {
  private static final String P = "DestinationRule reviews (mesh.yaml): ";

  private static DestinationRule only(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.errors()).isEmpty();
    return r.config().destinationRules().get(0);
  }

  @Test
  void hostIsRequiredAndSubsetNamesUnique() {
    assertThat(errors(dr("""
        subsets:
        - name: v1
        - name: v1
        - labels: {version: v3}
        """))).containsExactly(
            P + "host: missing (required)",
            P + "subsets[1].name: 'v1' is used by another subset (expected: unique names)",
            P + "subsets[2].name: missing (required)");
  }

  @Test
  void simpleLoadBalancers() {
    assertThat(only(dr("{host: reviews, trafficPolicy: {loadBalancer: {simple: LEAST_CONN}}}")).trafficPolicy().loadBalancer())
        .isEqualTo(new LoadBalancerSettings(LoadBalancerSettings.Simple.LEAST_REQUEST, null));
    assertThat(only(dr("{host: reviews, trafficPolicy: {loadBalancer: {simple: PASSTHROUGH}}}")).trafficPolicy().loadBalancer())
        .isEqualTo(new LoadBalancerSettings(LoadBalancerSettings.Simple.PASSTHROUGH, null));
    assertThat(only(dr("{host: reviews, trafficPolicy: {loadBalancer: {simple: UNSPECIFIED}}}")).trafficPolicy().loadBalancer())
        .isNull();
    assertThat(errors(dr("{host: reviews, trafficPolicy: {loadBalancer: {simple: ROUND_ROBBIN}}}"))).containsExactly(
        P + "trafficPolicy.loadBalancer.simple: 'ROUND_ROBBIN' (expected: one of UNSPECIFIED, RANDOM, PASSTHROUGH, "
            + "ROUND_ROBIN, LEAST_REQUEST, LEAST_CONN)");
  }

  @Test
  void consistentHash() {
    DestinationRule dr = only(dr("""
        host: reviews
        trafficPolicy:
          loadBalancer:
            consistent_hash:
              http_cookie: {name: session, ttl: 0s}
              ring_hash: {minimum_ring_size: 4096}
          portLevelSettings:
          - port: {number: 9080}
            loadBalancer:
              consistentHash: {useSourceIp: true}
          - port: {number: 9090}
            loadBalancer:
              consistentHash: {httpQueryParameterName: user, minimumRingSize: 64}
        """));
    assertThat(dr.trafficPolicy().loadBalancer())
        .isEqualTo(new LoadBalancerSettings(null, new ConsistentHash(HashOn.HTTP_COOKIE, "session", 4096)));
    assertThat(dr.trafficPolicy().portLevelSettings()).containsExactly(
        new PortTrafficPolicy(9080, new LoadBalancerSettings(null, new ConsistentHash(HashOn.USE_SOURCE_IP, "", 1024))),
        new PortTrafficPolicy(9090,
            new LoadBalancerSettings(null, new ConsistentHash(HashOn.HTTP_QUERY_PARAMETER_NAME, "user", 64))));
    assertThat(dr.trafficPolicy().loadBalancerFor(9090).consistentHash().key()).isEqualTo("user");
  }

  @Test
  void consistentHashErrors() {
    assertThat(errors(dr("""
        host: reviews
        trafficPolicy:
          loadBalancer:
            simple: RANDOM
            consistentHash: {httpHeaderName: x-user, useSourceIp: true}
        subsets:
        - name: v1
          trafficPolicy:
            loadBalancer:
              consistentHash: {}
        """))).containsExactly(
            P + "trafficPolicy.loadBalancer.consistentHash: httpHeaderName and useSourceIp given (expected: one hash key)",
            P + "trafficPolicy.loadBalancer: simple and consistentHash given (expected: one of them)",
            P + "subsets[0].trafficPolicy.loadBalancer.consistentHash: no hash key (expected: one of httpHeaderName, "
                + "httpCookie, httpQueryParameterName, useSourceIp)");
  }

  @Test
  void maglevIsWarnedAndRingHashUsed() {
    String yaml = dr("{host: reviews, trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: X-User, maglev: {tableSize: 65537}}}}}");
    DestinationRule dr = only(yaml);
    assertThat(dr.trafficPolicy().loadBalancer().consistentHash())
        .isEqualTo(new ConsistentHash(HashOn.HTTP_HEADER_NAME, "x-user", 1024));
    assertThat(warnings(yaml)).containsExactly(
        P + "trafficPolicy.loadBalancer.consistentHash.maglev: maglev is not yet applied; ring hash is used");
    assertThat(dr.notYetApplied()).containsExactly("trafficPolicy.loadBalancer.consistentHash.maglev");
  }

  @Test
  void notYetAppliedPoliciesAreListedAndWarned() {
    String yaml = dr("""
        host: reviews
        workloadSelector: {matchLabels: {app: reviews}}
        trafficPolicy:
          connectionPool:
            tcp: {maxConnections: 100, connectTimeout: 30ms, tcpKeepalive: {time: 7200s, interval: 75s, probes: 9}}
            http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1, h2UpgradePolicy: UPGRADE, idleTimeout: 1h30m}
          outlierDetection: {consecutive5xxErrors: 7, interval: 5m, baseEjectionTime: 15m, maxEjectionPercent: 100}
          tls: {mode: ISTIO_MUTUAL, sni: reviews.default}
          loadBalancer:
            simple: ROUND_ROBIN
            localityLbSetting:
              enabled: true
              distribute:
              - from: us-west/zone1/*
                to: {"us-west/zone1/*": 80, "us-west/zone2/*": 20}
            warmupDurationSecs: 60s
          portLevelSettings:
          - port: {number: 80}
            tls: {mode: SIMPLE}
          retryBudget: {percent: {value: 20}, minRetryConcurrency: 3}
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            connectionPool:
              http: {maxRetries: 3}
        """);
    DestinationRule dr = only(yaml);
    // connectionPool (but for the fields listed), outlierDetection and retryBudget are applied.
    assertThat(dr.notYetApplied()).containsExactly(
        "trafficPolicy.loadBalancer.warmupDurationSecs",
        "trafficPolicy.connectionPool.tcp.tcpKeepalive",
        "trafficPolicy.connectionPool.http.h2UpgradePolicy",
        "workloadSelector");
    assertThat(warnings(yaml)).containsExactlyElementsOf(
        dr.notYetApplied().stream().map(p -> P + p + ": not yet applied by Meshlet").toList());
    assertThat(dr.trafficPolicy().loadBalancer().simple()).isEqualTo(LoadBalancerSettings.Simple.ROUND_ROBIN);
    assertThat(dr.trafficPolicy().portLevelSettings()).containsExactly(new PortTrafficPolicy(80, null, null, null, null,
        new ClientTlsSettings(ClientTlsSettings.Mode.SIMPLE, null, null, null, null, List.of(), null, false)));
    assertThat(dr.trafficPolicy().tls()).isEqualTo(ClientTlsSettings.istioMutual(List.of(), "reviews.default"));
  }

  @Test
  void localityLbSettingIsReadInOrder() {
    DestinationRule dr = only(dr("""
        host: reviews
        trafficPolicy:
          outlierDetection: {consecutive5xxErrors: 1}
          loadBalancer:
            localityLbSetting:
              distribute:
              - from: us-west/zone1/*
                to: {"us-west/zone1/*": 80, "us-west/zone2/*": 20}
              failoverPriority: [topology.istio.io/network, "version=v2"]
              enabled: true
        """));
    assertThat(dr.trafficPolicy().loadBalancer().localityLbSetting()).isEqualTo(new LocalityLbSetting(true,
        List.of(new LocalityLbSetting.Distribute("us-west/zone1/*", List.of(
            new LocalityLbSetting.Weight("us-west/zone1/*", 80), new LocalityLbSetting.Weight("us-west/zone2/*", 20)))),
        List.of(), List.of("topology.istio.io/network", "version=v2")));
  }

  /** Istio's {@code validateLocalityLbSetting}, each rule with the path of its field. */
  @Test
  void localityLbSettingIsValidatedAsIstioDoes() {
    String L = P + "trafficPolicy.loadBalancer.localityLbSetting";
    assertThat(errors(dr("""
        host: reviews
        trafficPolicy:
          loadBalancer:
            localityLbSetting:
              distribute:
              - {from: "us-west/*/a", to: {"us-west/zone1": 60, "us-east": 30}}
              - {from: "us//a", to: {"eu": 0, "us-west/a/b/c": 100}}
              failover:
              - {from: us-east, to: us-east}
              - {from: us-east/a, to: "eu*"}
              failoverPriority: ["=v1"]
        """))).containsExactlyInAnyOrder(
            L + ".distribute[0].from: 'us-west/*/a' (expected: at most one '*', at the end)",
            L + ".distribute[0].to: weights sum to 90 (expected: 100)",
            L + ".distribute[1].from: 'us//a' (expected: region[/zone[/subzone]] with no empty part)",
            L + ".distribute[1].to.eu: 0 (expected: 1..100)",
            L + ".distribute[1].to.us-west/a/b/c: 'us-west/a/b/c' (expected: region[/zone[/subzone]] with no empty part)",
            L + ".failover[0].to: 'us-east' is also from (expected: a different region)",
            L + ".failover[1].from: 'us-east/a' (expected: a region, without '/' or '*')",
            L + ".failover[1].to: 'eu*' (expected: a region, without '/' or '*')",
            L + ": distribute and failover given (expected: at most one of them)",
            L + ".failoverPriority[0]: '=v1' (expected: a label key, or key=value)");
  }

  @Test
  void failoverWithoutOutlierDetectionIsAWarning() {
    assertThat(warnings(dr("""
        host: reviews
        trafficPolicy:
          loadBalancer:
            localityLbSetting: {failover: [{from: us-east, to: eu}]}
        """))).containsExactly(P + "trafficPolicy.loadBalancer.localityLbSetting: failover needs outlierDetection "
            + "(expected: an outlierDetection policy); without it failover is not applied");
  }

  @Test
  void notYetAppliedPoliciesAreStillValidated() {
    assertThat(errors(dr("""
        host: reviews
        trafficPolicy:
          connectionPool:
            tcp: {connectTimeout: 10 seconds, maxConnection: 5}
          outlierDetection: {maxEjectionPercent: 101}
          tls: {mode: STRICT}
          portLevelSettings:
          - loadBalancer: {simple: RANDOM}
        """))).containsExactlyInAnyOrder(
            P + "trafficPolicy.connectionPool.tcp.connectTimeout: '10 seconds' (expected: a duration like 1.5s or 100ms)",
            P + "trafficPolicy.outlierDetection.maxEjectionPercent: 101 (expected: 0..100)",
            P + "trafficPolicy.tls.mode: 'STRICT' (expected: one of DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL)",
            P + "trafficPolicy.portLevelSettings[0].port: missing (required)",
            P + "trafficPolicy.connectionPool.tcp.maxConnection: unknown field (did you mean maxConnections?)");
  }

  @Test
  void shortHostIsQualifiedInTheRuleNamespace() {
    DestinationRule dr = only(dr("host: reviews").replace("name: reviews", "name: reviews\n  namespace: prod"));
    assertThat(dr.host()).isEqualTo("reviews.prod.svc.cluster.local");
  }

  @Test
  void snakeCaseTrafficPolicy() {
    String yaml = dr("""
        host: reviews
        traffic_policy:
          outlier_detection: {consecutive_5xx_errors: 5, base_ejection_time: 30s}
          connection_pool:
            http: {http1_max_pending_requests: 10, h2_upgrade_policy: DO_NOT_UPGRADE}
          port_level_settings:
          - port: {number: 9080}
            load_balancer: {simple: RANDOM}
        """);
    DestinationRule dr = only(yaml);
    assertThat(dr.notYetApplied()).containsExactly("traffic_policy.connection_pool.http.h2_upgrade_policy");
    assertThat(dr.trafficPolicy().connectionPool().http1MaxPendingRequests()).isEqualTo(10);
    assertThat(dr.trafficPolicy().outlierDetection().consecutive5xxErrors()).isEqualTo(5);
    assertThat(dr.trafficPolicy().loadBalancerFor(9080)).isEqualTo(new LoadBalancerSettings(LoadBalancerSettings.Simple.RANDOM, null));
  }

  @Test
  void aTrailingStarInSubjectAltNamesIsAnExactNameAsInIstio() {
    String yaml = dr("""
        host: reviews
        trafficPolicy:
          tls: {mode: ISTIO_MUTUAL, subjectAltNames: [spiffe://cluster.local/ns/default/sa/reviews, "spiffe://cluster.local/ns/prod/*", "*"]}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).isEmpty();
    assertThat(only(yaml).trafficPolicy().tlsFor(9080)).isEqualTo(ClientTlsSettings.istioMutual(
        List.of("spiffe://cluster.local/ns/default/sa/reviews", "spiffe://cluster.local/ns/prod/*", "*"), List.of(), null));
  }

  /** Second security review: Istio's validateTLS refuses names to verify against when verification is off. */
  @Test
  void insecureSkipVerifyWithCaCertificatesOrSubjectAltNamesIsAnError() {
    assertThat(errors(dr("""
        host: reviews
        trafficPolicy:
          tls: {mode: SIMPLE, insecureSkipVerify: true, caCertificates: /etc/ca.pem, subjectAltNames: [reviews]}
        """))).containsExactly(
        P + "trafficPolicy.tls.caCertificates: given with insecureSkipVerify: true (expected: cannot specify "
            + "CaCertificates or SubjectAltNames when InsecureSkipVerify is set true)",
        P + "trafficPolicy.tls.subjectAltNames: given with insecureSkipVerify: true (expected: cannot specify "
            + "CaCertificates or SubjectAltNames when InsecureSkipVerify is set true)");
    assertThat(errors(dr("""
        host: reviews
        trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true}}
        """))).isEmpty();
    assertThat(errors(dr("""
        host: reviews
        trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: false, caCertificates: /etc/ca.pem, subjectAltNames: [r]}}
        """))).isEmpty();
  }

  @Test
  void tlsIsParsedAndCheckedAsIstioChecksIt() {
    DestinationRule dr = only(dr("""
        host: reviews
        trafficPolicy:
          tls:
            mode: MUTUAL
            clientCertificate: /etc/certs/cert.pem
            privateKey: /etc/certs/key.pem
            caCertificates: /etc/certs/ca.pem
            subjectAltNames: [spiffe://cluster.local/ns/default/sa/reviews]
            sni: reviews.example.com
            insecureSkipVerify: false
        """));
    assertThat(dr.trafficPolicy().tlsFor(9080)).isEqualTo(new ClientTlsSettings(ClientTlsSettings.Mode.MUTUAL,
        "/etc/certs/cert.pem", "/etc/certs/key.pem", "/etc/certs/ca.pem", null,
        List.of("spiffe://cluster.local/ns/default/sa/reviews"), "reviews.example.com", false));
    assertThat(only(dr("{host: reviews, trafficPolicy: {tls: {}}}")).trafficPolicy().tls())
        .isEqualTo(ClientTlsSettings.DISABLED);

    String credential = dr("""
        host: reviews
        trafficPolicy:
          tls: {mode: SIMPLE, credentialName: reviews-secret, caCrl: /etc/crl.pem}
        """);
    assertThat(errors(credential)).isEmpty();
    assertThat(parse(credential).config().destinationRules().get(0).notYetApplied())
        .containsExactly("trafficPolicy.tls.credentialName", "trafficPolicy.tls.caCrl");
    assertThat(warnings(credential)).containsExactly(
        P + "trafficPolicy.tls.credentialName: not applied by Meshlet (no Kubernetes secrets); use clientCertificate, "
            + "privateKey and caCertificates",
        P + "trafficPolicy.tls.caCrl: not yet applied by Meshlet");

    assertThat(errors(dr("""
        host: reviews
        trafficPolicy:
          tls: {mode: ISTIO_MUTUAL, caCertificates: /ca.pem}
          portLevelSettings:
          - port: {number: 9443}
            tls: {mode: MUTUAL, caCertificates: /ca.pem}
        """))).containsExactly(
            P + "trafficPolicy.tls.caCertificates: given with mode ISTIO_MUTUAL (expected: no certificate files; "
                + "the mesh's own certificate is used)",
            P + "trafficPolicy.portLevelSettings[0].tls.clientCertificate: missing (required with mode MUTUAL)",
            P + "trafficPolicy.portLevelSettings[0].tls.privateKey: missing (required with mode MUTUAL)");
  }
}
