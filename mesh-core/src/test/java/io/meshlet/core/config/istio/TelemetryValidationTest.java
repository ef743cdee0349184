package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.TelemetryPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryValidationTest {
  private static final String P = "Telemetry mesh-default (mesh.yaml): ";

  static String telemetry(String spec) {
    return """
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata: {name: mesh-default, namespace: istio-system}
        spec:
        """ + spec.indent(2);
  }

  private static TelemetryPolicy only(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.problems()).filteredOn(p -> p.severity().name().equals("ERROR")).isEmpty();
    return r.config().telemetries().get(0);
  }

  @Test
  void theAppliedFields() {
    TelemetryPolicy t = only(telemetry("""
        selector: {matchLabels: {app: reviews}}
        tracing:
        - randomSamplingPercentage: 12.5
          disableSpanReporting: false
        accessLogging:
        - filter: {expression: "response.code >= 400"}
        metrics:
        - overrides:
          - match: {metric: REQUEST_COUNT}
            tagOverrides:
              response_flags: {operation: REMOVE}
              mesh_id: {value: "'east'"}
          - match: {metric: REQUEST_SIZE}
            disabled: true
        """));
    assertThat(t.selector()).isEqualTo(Map.of("app", "reviews"));
    assertThat(t.randomSamplingPercentage()).isEqualTo(12.5);
    assertThat(t.disableSpanReporting()).isFalse();
    assertThat(t.accessLogDisabled()).isFalse();
    assertThat(t.accessLogFilter()).containsExactly(">=", "400");
    assertThat(t.metricOverrides()).containsExactly(
        new TelemetryPolicy.MetricOverride("REQUEST_COUNT", null, Map.of("mesh_id", "east"), List.of("response_flags")),
        new TelemetryPolicy.MetricOverride("REQUEST_SIZE", true, Map.of(), List.of()));
    assertThat(t.notYetApplied()).isEmpty();
  }

  @Test
  void errorsNameTheirField() {
    assertThat(errors(telemetry("""
        tracing:
        - randomSamplingPercentage: 101
          sampling: 3
        accessLogging:
        - disabled: "no"
          filter: {}
        metrics:
        - overrides:
          - match: {metric: REQUEST_COUNTS, mode: BOTH}
            tagOverrides:
              x: {operation: DELETE}
              y: {operation: REMOVE, value: "'a'"}
        """))).containsExactlyInAnyOrder(
        P + "tracing[0].randomSamplingPercentage: 101 (expected: 0..100)",
        P + "tracing[0].sampling: unknown field (expected one of: match, providers, randomSamplingPercentage, "
            + "disableSpanReporting)",
        P + "accessLogging[0].disabled: 'no' (expected: true or false)",
        P + "accessLogging[0].filter.expression: missing (required)",
        P + "metrics[0].overrides[0].match.metric: 'REQUEST_COUNTS' (expected: one of ALL_METRICS, REQUEST_COUNT, "
            + "REQUEST_DURATION, REQUEST_SIZE, RESPONSE_SIZE, TCP_OPENED_CONNECTIONS, TCP_CLOSED_CONNECTIONS, TCP_SENT_BYTES, "
            + "TCP_RECEIVED_BYTES, GRPC_REQUEST_MESSAGES, GRPC_RESPONSE_MESSAGES)",
        P + "metrics[0].overrides[0].match.mode: 'BOTH' (expected: one of CLIENT_AND_SERVER, CLIENT, SERVER)",
        P + "metrics[0].overrides[0].tagOverrides.x.operation: 'DELETE' (expected: one of UPSERT, REMOVE)",
        P + "metrics[0].overrides[0].tagOverrides.y.value: given with operation REMOVE (expected: no value)");
  }

  @Test
  void whatMeshletDoesNotEvaluateIsReportedNotDropped() {
    assertThat(warnings(telemetry("""
        tracing:
        - providers: [{name: zipkin}]
          customTags: {env: {literal: {value: prod}}}
        accessLogging:
        - filter: {expression: "response.code >= 400 || connection.mtls"}
        metrics:
        - overrides:
          - match: {metric: ALL_METRICS, mode: CLIENT}
            tagOverrides:
              request_host: {value: request.host}
        """))).containsExactlyInAnyOrder(
        P + "tracing[0].providers: not yet applied by Meshlet (it reports to the meter registry, OpenTelemetry and SLF4J "
            + "logger given to Mesh.builder())",
        P + "tracing[0].customTags: not yet applied by Meshlet",
        P + "accessLogging[0].filter.expression: 'response.code >= 400 || connection.mtls' is not evaluated by Meshlet "
            + "(expected: response.code <op> <number>, op one of >=, >, <=, <, ==, !=); every request is logged",
        P + "metrics[0].overrides[0].match.mode: 'CLIENT' is not yet applied by Meshlet (the entry applies to client and server)",
        P + "metrics[0].overrides[0].tagOverrides.request_host.value: 'request.host' is not evaluated by Meshlet "
            + "(expected: a string literal such as \"'canary'\"); the tag is not added");
  }

  @Test
  void v1alpha1AndNoSpecAreAccepted() {
    assertThat(errors("""
        apiVersion: telemetry.istio.io/v1alpha1
        kind: Telemetry
        metadata: {name: empty}
        """)).isEmpty();
  }
}
