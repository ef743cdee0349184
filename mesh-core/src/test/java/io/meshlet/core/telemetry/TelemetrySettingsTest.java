package io.meshlet.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.Workload;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which Telemetry resources apply to a workload, and how their fields override each other, as in Istio. */
class TelemetrySettingsTest {
  static final String YAML = """
      apiVersion: telemetry.istio.io/v1
      kind: Telemetry
      metadata: {name: mesh-default, namespace: istio-system}
      spec:
        tracing: [{randomSamplingPercentage: 1}]
        accessLogging: [{}]
        metrics:
        - overrides: [{match: {metric: ALL_METRICS}, tagOverrides: {source_cluster: {operation: REMOVE}}}]
      ---
      apiVersion: telemetry.istio.io/v1
      kind: Telemetry
      metadata: {name: namespace-wide, namespace: shop}
      spec:
        tracing: [{randomSamplingPercentage: 10}]
      ---
      apiVersion: telemetry.istio.io/v1
      kind: Telemetry
      metadata: {name: reviews-only, namespace: shop}
      spec:
        selector: {matchLabels: {app: reviews}}
        accessLogging: [{disabled: true}]
        metrics:
        - overrides: [{match: {metric: REQUEST_SIZE}, disabled: true}]
      ---
      apiVersion: telemetry.istio.io/v1
      kind: Telemetry
      metadata: {name: elsewhere, namespace: other}
      spec:
        tracing: [{randomSamplingPercentage: 50}]
      """;

  static TelemetrySettings settings(String app, String namespace) {
    MeshConfig config = IstioYaml.parse("test", "mesh.yaml", YAML, "default").config();
    return TelemetrySettings.compile(config, new Workload(app, namespace, Map.of("app", app), "10.0.0.1"), "istio-system");
  }

  @Test
  void rootThenNamespaceThenSelectorEachOverridingTheFieldsItSets() {
    TelemetrySettings reviews = settings("reviews", "shop");
    assertThat(reviews.samplingPercentage()).as("namespace over root").isEqualTo(10);
    assertThat(reviews.accessLogEnabled()).as("the selector's resource over the root's").isFalse();
    assertThat(reviews.metrics().disabled()).containsExactly(IstioMetrics.REQUEST_SIZE);
    assertThat(reviews.metrics().removed(IstioMetrics.REQUEST_COUNT, "source_cluster")).as("the root's still holds").isTrue();

    TelemetrySettings ratings = settings("ratings", "shop");
    assertThat(ratings.samplingPercentage()).isEqualTo(10);
    assertThat(ratings.accessLogEnabled()).as("not selected: the root's").isTrue();
    assertThat(ratings.metrics().disabled()).isEmpty();

    assertThat(settings("x", "default").samplingPercentage()).as("only the root's").isEqualTo(1);
  }
}
