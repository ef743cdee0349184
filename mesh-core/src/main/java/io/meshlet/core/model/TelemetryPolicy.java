package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code Telemetry} kind ({@code telemetry.istio.io/v1}, {@code v1alpha1}) as far as Meshlet
 * applies it: which workloads it covers (its namespace, or the whole mesh from the root namespace;
 * {@code selector.matchLabels} narrows it), the tracing sampling percentage, access logging on or
 * off with a status filter, and metric overrides. A field left unset ({@code null}) leaves what a
 * broader resource (root namespace, then namespace) said.
 *
 * @param randomSamplingPercentage {@code tracing[].randomSamplingPercentage}, 0..100
 * @param disableSpanReporting {@code tracing[].disableSpanReporting}
 * @param accessLogDisabled {@code accessLogging[].disabled}; an {@code accessLogging} entry without it turns logging on
 * @param accessLogFilter {@code accessLogging[].filter.expression}, when Meshlet evaluates it
 *     ({@code response.code <op> <number>}), as {@code [op, number]}
 */
public record TelemetryPolicy(
    ResourceId id,
    ResourceOrigin origin,
    Map<String, String> selector,
    @Nullable Double randomSamplingPercentage,
    @Nullable Boolean disableSpanReporting,
    @Nullable Boolean accessLogDisabled,
    @Nullable List<String> accessLogFilter,
    List<MetricOverride> metricOverrides,
    List<String> notYetApplied)
    implements MeshResource {

  public TelemetryPolicy {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    selector = Map.copyOf(selector);
    accessLogFilter = accessLogFilter == null ? null : List.copyOf(accessLogFilter);
    metricOverrides = List.copyOf(metricOverrides);
    notYetApplied = List.copyOf(notYetApplied);
  }

  /** A resource visible to every namespace (Telemetry has no exportTo: it selects workloads by namespace). */
  @Override
  public List<String> exportTo() {
    return List.of();
  }

  /** True if this resource covers a workload with these labels (an empty selector covers every one in scope). */
  public boolean selects(Map<String, String> labels) {
    return Labels.matches(selector, labels);
  }

  /**
   * One {@code metrics[].overrides[]} entry.
   *
   * @param metric Istio's metric name ({@code REQUEST_COUNT}, ...) or {@code ALL_METRICS}
   * @param disabled {@code disabled}; null leaves it
   * @param upsertTags tags added (or set) with a constant value ({@code operation: UPSERT} with a string literal)
   * @param removeTags tags dropped ({@code operation: REMOVE})
   */
  public record MetricOverride(String metric, @Nullable Boolean disabled, Map<String, String> upsertTags, List<String> removeTags) {
    public MetricOverride {
      requireNonNull(metric, "metric");
      upsertTags = Map.copyOf(upsertTags);
      removeTags = List.copyOf(removeTags);
    }
  }
}
