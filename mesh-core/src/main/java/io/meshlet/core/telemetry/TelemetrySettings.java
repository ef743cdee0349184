package io.meshlet.core.telemetry;

import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.TelemetryPolicy;
import io.meshlet.core.model.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the {@code Telemetry} resources in force say for this workload, merged as Istio merges them:
 * the root namespace's resource without a selector first, then the workload namespace's without a
 * selector, then the ones there whose selector matches; a later one's fields override an earlier
 * one's. Compiled once per snapshot; immutable.
 *
 * @param samplingPercentage the percentage of root spans to start (100 when no resource says)
 * @param spansDisabled {@code disableSpanReporting}
 * @param accessLogEnabled null when no resource says (the builder decides)
 * @param accessLogFilter the status filter of the access log, or null for all
 */
public record TelemetrySettings(double samplingPercentage, boolean spansDisabled, @Nullable Boolean accessLogEnabled,
    AccessLogSettings.@Nullable StatusFilter accessLogFilter, MetricsSettings metrics) {
  public static final TelemetrySettings DEFAULT = new TelemetrySettings(100, false, null, null, MetricsSettings.DEFAULT);

  /** The access-log settings: the builder's ({@code base}), overridden by the resources. */
  public AccessLogSettings accessLog(AccessLogSettings base) {
    if (accessLogEnabled == null && accessLogFilter == null) {
      return base;
    }
    boolean on = accessLogEnabled != null ? accessLogEnabled : base.enabled();
    return new AccessLogSettings(on, base.format(), accessLogFilter != null ? accessLogFilter : base.filter());
  }

  /** The percentage tracing uses: 0 when spans are disabled. */
  public double effectiveSamplingPercentage() {
    return spansDisabled ? 0 : samplingPercentage;
  }

  public static TelemetrySettings compile(MeshConfig config, Workload workload, String rootNamespace) {
    if (config.telemetries().isEmpty()) {
      return DEFAULT;
    }
    List<TelemetryPolicy> applicable = new ArrayList<>();
    for (TelemetryPolicy t : config.telemetries()) {
      if (t.id().namespace().equals(rootNamespace) && t.selector().isEmpty() && !rootNamespace.equals(workload.namespace())) {
        applicable.add(t);
      }
    }
    for (TelemetryPolicy t : config.telemetries()) {
      if (t.id().namespace().equals(workload.namespace()) && t.selector().isEmpty()) {
        applicable.add(t);
      }
    }
    for (TelemetryPolicy t : config.telemetries()) {
      if (t.id().namespace().equals(workload.namespace()) && !t.selector().isEmpty() && t.selects(workload.labels())) {
        applicable.add(t);
      }
    }
    double sampling = 100;
    boolean spansDisabled = false;
    Boolean log = null;
    AccessLogSettings.StatusFilter filter = null;
    Set<String> disabled = new HashSet<>();
    Map<String, Set<String>> removed = new HashMap<>();
    Map<String, Map<String, String>> added = new HashMap<>();
    for (TelemetryPolicy t : applicable) {
      if (t.randomSamplingPercentage() != null) {
        sampling = t.randomSamplingPercentage();
      }
      if (t.disableSpanReporting() != null) {
        spansDisabled = t.disableSpanReporting();
      }
      if (t.accessLogDisabled() != null) {
        log = !t.accessLogDisabled();
      }
      if (t.accessLogFilter() != null) {
        filter = new AccessLogSettings.StatusFilter(t.accessLogFilter().get(0), Integer.parseInt(t.accessLogFilter().get(1)));
      }
      for (TelemetryPolicy.MetricOverride o : t.metricOverrides()) {
        for (String metric : o.metric().equals("ALL_METRICS") ? MetricsSettings.ALL : Set.of(o.metric())) {
          if (o.disabled() != null) {
            if (o.disabled()) {
              disabled.add(metric);
            } else {
              disabled.remove(metric);
            }
          }
          for (String tag : o.removeTags()) {
            removed.computeIfAbsent(metric, k -> new HashSet<>()).add(tag);
            Map<String, String> a = added.get(metric);
            if (a != null) {
              a.remove(tag);
            }
          }
          o.upsertTags().forEach((tag, value) -> {
            if (IstioMetrics.LABELS.contains(tag)) {
              // Istio's UPSERT of a standard label replaces its value: drop it and add the constant.
              removed.computeIfAbsent(metric, k -> new HashSet<>()).add(tag);
            }
            added.computeIfAbsent(metric, k -> new LinkedHashMap<>()).put(tag, value);
          });
        }
      }
    }
    Map<String, Set<String>> removedCopy = new HashMap<>();
    removed.forEach((k, v) -> removedCopy.put(k, Set.copyOf(v)));
    Map<String, Map<String, String>> addedCopy = new HashMap<>();
    added.forEach((k, v) -> addedCopy.put(k, Map.copyOf(v)));
    return new TelemetrySettings(sampling, spansDisabled, log, filter, new MetricsSettings(disabled, removedCopy, addedCopy));
  }
}
