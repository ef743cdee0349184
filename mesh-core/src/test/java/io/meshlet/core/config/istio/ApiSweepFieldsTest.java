package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.DestinationRule;
import org.junit.jupiter.api.Test;

/**
 * Fields of istio/api that Meshlet called unknown until the field catalogue went through every kind
 * ({@link FieldCatalogueTest}): each is validated now, and applied or warned about.
 */
class ApiSweepFieldsTest {
  private static final String VS = "VirtualService reviews (mesh.yaml): ";
  private static final String DR = "DestinationRule reviews (mesh.yaml): ";

  @Test
  void retryIgnorePreviousHostsTrueIsWhatMeshletDoesFalseIsWarned() {
    assertThat(warnings(Yaml.vs("""
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          retries: {attempts: 2, retryIgnorePreviousHosts: true}
        """))).isEmpty();
    String off = Yaml.vs("""
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          retries: {attempts: 2, retryIgnorePreviousHosts: false}
        """);
    assertThat(errors(off)).isEmpty();
    assertThat(warnings(off)).containsExactly(VS + "http[0].retries.retryIgnorePreviousHosts: false is not applied by Meshlet:"
        + " a retry always avoids the endpoint just tried when there is another");
    assertThat(errors(Yaml.vs("""
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          retries: {attempts: 2, retryIgnorePreviousHosts: "yes"}
        """))).containsExactly(VS + "http[0].retries.retryIgnorePreviousHosts: 'yes' (expected: true or false)");
  }

  @Test
  void redirectPrefixRewriteIsValidatedAsIstioValidatesIt() {
    assertThat(errors(Yaml.vs("""
        hosts: [reviews]
        http:
        - match: [{uri: {prefix: /old}}]
          redirect: {uri: /new, prefixRewrite: /newer}
        """))).containsExactly(VS + "http[0].redirect.prefixRewrite: given with uri (expected: one of uri or prefixRewrite)");
    assertThat(errors(Yaml.vs("""
        hosts: [reviews]
        http:
        - match: [{uri: {prefix: /old}}, {uri: {exact: /older}}]
          redirect: {prefixRewrite: /newer}
        """))).containsExactly(VS + "http[0].redirect.prefixRewrite: '/newer' with a uri match that is not a prefix"
            + " (expected: every uri match of the rule a prefix match, as Istio requires)");
    String ok = Yaml.vs("""
        hosts: [reviews]
        http:
        - match: [{uri: {prefix: /old}}]
          redirect: {prefixRewrite: /newer}
        """);
    assertThat(errors(ok)).isEmpty();
    assertThat(warnings(ok)).isEmpty();
  }

  @Test
  void outlierDetectionHttpErrorCodesAreValidatedAndWarned() {
    String yaml = Yaml.dr("""
        host: reviews
        trafficPolicy:
          outlierDetection: {outlierDetectionHttpErrorCodes: [500, 503]}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(DR + "trafficPolicy.outlierDetection.outlierDetectionHttpErrorCodes: not yet applied"
        + " by Meshlet: 5xx responses (and gateway errors) count toward ejection, as without this field");
    assertThat(errors(Yaml.dr("""
        host: reviews
        trafficPolicy:
          outlierDetection: {outlierDetectionHttpErrorCodes: [503, 99]}
        """))).containsExactly(DR + "trafficPolicy.outlierDetection.outlierDetectionHttpErrorCodes[1]: 99 (expected: 100..599)");
  }

  @Test
  void retryBudgetPercentIsAPlainNumberAsIstioWritesItAndBudgetIntervalIsWarned() {
    String yaml = Yaml.dr("""
        host: reviews
        trafficPolicy:
          retryBudget: {percent: 25.5, minRetryConcurrency: 4, budgetInterval: 10s}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(DR + "trafficPolicy.retryBudget.budgetInterval: not yet applied by Meshlet:"
        + " the budget counts the requests active now, as with budgetInterval 0ms");
    DestinationRule dr = Yaml.parse(yaml).config().destinationRules().get(0);
    assertThat(dr.trafficPolicy().retryBudget().percent()).isEqualTo(25.5);
    assertThat(dr.trafficPolicy().retryBudget().minRetryConcurrency()).isEqualTo(4);
    DestinationRule legacy = Yaml.parse(Yaml.dr("""
        host: reviews
        trafficPolicy:
          retryBudget: {percent: {value: 30}}
        """)).config().destinationRules().get(0);
    assertThat(legacy.trafficPolicy().retryBudget().percent()).isEqualTo(30);
    assertThat(errors(Yaml.dr("""
        host: reviews
        trafficPolicy:
          retryBudget: {percent: 101}
        """))).containsExactly(DR + "trafficPolicy.retryBudget.percent: 101 (expected: 0..100)");
  }

  @Test
  void zoneAwareLbSettingFailoverPriorityAndMinClusterSize() {
    String yaml = Yaml.dr("""
        host: reviews
        trafficPolicy:
          loadBalancer:
            zoneAwareLbSetting: {enabled: true, failoverPriority: [topology.kubernetes.io/zone], minClusterSize: 3}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(DR + "trafficPolicy.loadBalancer.zoneAwareLbSetting: not yet applied by Meshlet");
    assertThat(errors(Yaml.dr("""
        host: reviews
        trafficPolicy:
          loadBalancer:
            zoneAwareLbSetting: {minClusterSize: 0}
        """))).containsExactly(DR + "trafficPolicy.loadBalancer.zoneAwareLbSetting.minClusterSize: 0 (expected: 1..9223372036854775807)");
  }

  @Test
  void sidecarPortTargetPortIsANumberAndListenerFieldsAreNotSupportedInProcess() {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default}
        spec:
          egress:
          - port: {number: 9080, targetPort: 9080}
            bind: 127.0.0.1
            hosts: ["./*"]
          ingress:
          - port: {number: 9080}
        """;
    assertThat(errors(yaml)).isEmpty();
    String p = "Sidecar default (mesh.yaml): ";
    assertThat(warnings(yaml)).containsExactly(
        p + "egress[0].port: not yet applied by Meshlet (the hosts are in scope on every port)",
        p + "egress[0].bind: not supported in-process: it configures where the sidecar listens and how traffic is captured;"
            + " an in-process client's calls are not captured",
        p + "ingress: not supported in-process: it configures the sidecar's inbound listener; the application's own server"
            + " takes inbound calls (Meshlet applies egress only)");
  }

  @Test
  void telemetryTargetRefFieldsAreValidated() {
    String yaml = TelemetryValidationTest.telemetry("""
        targetRef: {group: gateway.networking.k8s.io, name: waypoint}
        """);
    assertThat(errors(yaml)).containsExactly("Telemetry mesh-default (mesh.yaml): targetRef.kind: missing (required)");
    assertThat(errors(TelemetryValidationTest.telemetry("""
        targetRefs: [{kind: Gateway, name: waypoint, namespace: default}]
        """))).isEmpty();
  }
}
