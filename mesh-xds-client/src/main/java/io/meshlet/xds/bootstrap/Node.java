package io.meshlet.xds.bootstrap;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code node} sent to the control plane. {@code metadata} is the JSON object as written:
 * objects are {@code Map<String, Object>} (in file order), arrays {@code List<Object>}, and scalars
 * {@code String}, {@code Boolean}, {@code Long} (integers; {@code BigInteger} past 64 bits) or
 * {@code Double}; JSON nulls are left out. Absent {@code cluster} is the empty string, as in the
 * protobuf.
 *
 * <p>istio-agent fills metadata from the pod; the accessors below read its well-known keys.
 */
public record Node(String id, String cluster, Locality locality, Map<String, Object> metadata) {
  public Node {
    requireNonNull(id, "id");
    requireNonNull(cluster, "cluster");
    requireNonNull(locality, "locality");
    metadata = JsonValues.immutableCopy(requireNonNull(metadata, "metadata"));
  }

  /** Istio's {@code NAMESPACE}, the workload's namespace, or null. */
  public @Nullable String namespace() {
    return metadata.get("NAMESPACE") instanceof String s ? s : null;
  }

  /** Istio's {@code LABELS}, the pod's labels (non-string values as their text); empty if absent. */
  public Map<String, String> labels() {
    if (!(metadata.get("LABELS") instanceof Map<?, ?> labels)) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    labels.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Istio's {@code INSTANCE_IPS}, the pod's addresses. istio-agent writes one comma-separated string;
   * an array of strings is read too.
   */
  public List<String> instanceIps() {
    Object ips = metadata.get("INSTANCE_IPS");
    if (ips instanceof String s) {
      return Arrays.stream(s.split(",")).map(String::strip).filter(ip -> !ip.isEmpty()).toList();
    }
    if (ips instanceof List<?> list) {
      return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  /** Istio's {@code ISTIO_VERSION}, the agent's version, or null. */
  public @Nullable String istioVersion() {
    return metadata.get("ISTIO_VERSION") instanceof String s ? s : null;
  }

  /** Istio's {@code GENERATOR} ({@code grpc} for proxyless gRPC), or null. */
  public @Nullable String generator() {
    return metadata.get("GENERATOR") instanceof String s ? s : null;
  }
}
