package io.meshlet.core.telemetry;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The workload half of Istio's labels ({@code *_workload}, {@code *_workload_namespace}, {@code
 * *_app}, {@code *_version}, {@code *_canonical_service}, {@code *_canonical_revision}, {@code
 * *_cluster}), read from a workload's labels as istiod reads a pod's, with {@value #UNKNOWN} for what
 * the labels do not say.
 *
 * <p>Keys, in the order they are tried: workload name: {@value #WORKLOAD_NAME} (what the xDS
 * translator puts there from EDS metadata), then the given default; canonical service: {@code
 * service.istio.io/canonical-name}, {@code app.kubernetes.io/name}, {@code app}, then the workload
 * name; canonical revision: {@code service.istio.io/canonical-revision}, {@code
 * app.kubernetes.io/version}, {@code version}, then {@code latest}; cluster: {@code
 * topology.istio.io/cluster}.
 */
record WorkloadLabels(String workload, String namespace, String app, String version, String canonicalService,
    String canonicalRevision, String cluster) {
  static final String UNKNOWN = "unknown";
  /** Istio's label for the workload name (a ServiceEntry endpoint may carry it; xDS EDS metadata fills it). */
  static final String WORKLOAD_NAME = "service.istio.io/workload-name";
  /** Endpoint label carrying the workload's namespace (EDS {@code filter_metadata.istio.workload}, second field). */
  static final String WORKLOAD_NAMESPACE = "meshlet.io/workload-namespace";

  static final WorkloadLabels NONE = new WorkloadLabels(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);

  /**
   * @param name the workload's name when the labels do not give one (null: unknown)
   * @param namespace its namespace when the labels do not give one (null: unknown)
   */
  static WorkloadLabels of(Map<String, String> labels, @Nullable String name, @Nullable String namespace) {
    String workload = first(labels, WORKLOAD_NAME, null, null, name);
    String ns = first(labels, WORKLOAD_NAMESPACE, null, null, namespace);
    String app = first(labels, "app", null, null, null);
    String version = first(labels, "version", null, null, null);
    String canonical = first(labels, "service.istio.io/canonical-name", "app.kubernetes.io/name", "app", workload);
    String revision = first(labels, "service.istio.io/canonical-revision", "app.kubernetes.io/version", "version",
        workload == null ? null : "latest");
    String cluster = first(labels, "topology.istio.io/cluster", null, null, null);
    return new WorkloadLabels(orUnknown(workload), orUnknown(ns), orUnknown(app), orUnknown(version),
        orUnknown(canonical), orUnknown(revision), orUnknown(cluster));
  }

  private static @Nullable String first(Map<String, String> labels, String a, @Nullable String b, @Nullable String c,
      @Nullable String otherwise) {
    String v = nonEmpty(labels.get(a));
    if (v == null && b != null) {
      v = nonEmpty(labels.get(b));
    }
    if (v == null && c != null) {
      v = nonEmpty(labels.get(c));
    }
    return v != null ? v : otherwise;
  }

  private static @Nullable String nonEmpty(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * This workload as the {@value IstioMetrics#PEER_HEADER} header says it: {@code
   * workload;namespace;app;version;canonical-service;canonical-revision;cluster}, each part
   * percent-free (a {@code ;} in a value is dropped).
   */
  String header() {
    return String.join(";", clean(workload), clean(namespace), clean(app), clean(version), clean(canonicalService),
        clean(canonicalRevision), clean(cluster));
  }

  private static String clean(String s) {
    return s.replace(";", "");
  }

  /** The labels a {@link #header()} value carries; null when it is not one. */
  static @Nullable WorkloadLabels fromHeader(String value) {
    String[] p = value.split(";", -1);
    if (p.length != 7) {
      return null;
    }
    for (String part : p) {
      if (part.isEmpty() || part.length() > 253) {
        return null;
      }
    }
    return new WorkloadLabels(p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
  }

  static String orUnknown(@Nullable String s) {
    return s == null || s.isEmpty() ? UNKNOWN : s;
  }
}
