package io.meshlet.controlplane;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An endpoint's {@code filter_metadata.istio.workload}, as istiod writes it for every endpoint it
 * knows the workload of: {@code name;namespace;canonical-service;canonical-revision;cluster}. A
 * caller's telemetry labels {@code destination_workload} (and the rest) from it, so the graph can
 * name the workload a call reached. Written for a ServiceEntry endpoint whose labels name its
 * workload ({@code service.istio.io/workload-name}); the other parts from the endpoint's labels as
 * istiod reads a pod's ({@code service.istio.io/canonical-name}, else {@code app}; {@code
 * service.istio.io/canonical-revision}, else {@code version}).
 */
final class WorkloadMetadata {
  static final String WORKLOAD_NAME = "service.istio.io/workload-name";

  private WorkloadMetadata() {}

  static @Nullable Metadata of(Map<String, String> labels, String namespace) {
    String name = labels.get(WORKLOAD_NAME);
    if (name == null || name.isEmpty()) {
      return null;
    }
    String value = String.join(";", clean(name), clean(namespace),
        clean(first(labels, "service.istio.io/canonical-name", "app")),
        clean(first(labels, "service.istio.io/canonical-revision", "version")),
        clean(labels.getOrDefault("topology.istio.io/cluster", "")));
    return Metadata.newBuilder().putFilterMetadata("istio", Struct.newBuilder()
        .putFields("workload", Value.newBuilder().setStringValue(value).build()).build()).build();
  }

  private static String first(Map<String, String> labels, String a, String b) {
    String v = labels.get(a);
    return v != null && !v.isEmpty() ? v : labels.getOrDefault(b, "");
  }

  private static String clean(String s) {
    return s.replace(";", "");
  }
}
