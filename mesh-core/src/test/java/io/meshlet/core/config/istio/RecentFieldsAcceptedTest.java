package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.security;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Fields of recent Istio releases that Meshlet once called unknown: accepted now, and warned as not applied. */
class RecentFieldsAcceptedTest {
  @Test
  void telemetryCustomTagsAndContextPropagation() {
    String yaml = TelemetryValidationTest.telemetry("""
        tracing:
        - customTags:
            env: {environment: {name: POD_ENV, defaultValue: none}}
            team: {literal: {value: payments}}
          disableContextPropagation: true
        """);
    String p = "Telemetry mesh-default (mesh.yaml): ";
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(
        p + "tracing[0].customTags: not yet applied by Meshlet",
        p + "tracing[0].disableContextPropagation: not yet applied by Meshlet");
  }

  @Test
  void requestAuthenticationSpaceDelimitedClaims() {
    String yaml = security("RequestAuthentication", "jwt", """
        jwtRules:
        - issuer: https://issuer.example.com
          jwksUri: https://issuer.example.com/jwks
          spaceDelimitedClaims: [scope, roles]
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(
        "RequestAuthentication jwt (mesh.yaml): jwtRules[0].spaceDelimitedClaims: not yet applied by Meshlet");
  }

  @Test
  void zoneAwareAndLocalityTogetherAreRefusedAsInIstio() {
    assertThat(errors(Yaml.dr("""
        host: reviews
        trafficPolicy:
          loadBalancer:
            localityLbSetting: {enabled: true}
            zoneAwareLbSetting: {enabled: true}
        """))).containsExactly("DestinationRule reviews (mesh.yaml): trafficPolicy.loadBalancer: localityLbSetting and"
            + " zoneAwareLbSetting given (expected: one of them, as in Istio)");
  }
}
