package io.meshlet.controlplane;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What decides a node's config: its namespace ({@code exportTo}, short names, {@code
 * sourceNamespace}) and its labels ({@code sourceLabels}), read from the node metadata istio-agent
 * writes ({@code NAMESPACE}, {@code LABELS}), and the inbound listeners its servers subscribe to
 * ({@value #SERVER_LISTENERS}, which Meshlet's xDS client writes: LDS is asked for by wildcard, so
 * the names are not in the request). Nodes with the same key share one snapshot.
 */
record NodeKey(String namespace, Map<String, String> labels, List<String> serverListeners) {
  /** The node metadata key {@code io.meshlet.xds.XdsConfigSource.SERVER_LISTENERS_METADATA}. */
  static final String SERVER_LISTENERS = "MESHLET_SERVER_LISTENERS";

  NodeKey {
    requireNonNull(namespace, "namespace");
    labels = Map.copyOf(labels);
    serverListeners = List.copyOf(serverListeners);
  }

  NodeKey(String namespace, Map<String, String> labels) {
    this(namespace, labels, List.of());
  }

  /** The key of {@code node}; a node that names no namespace is in {@code defaultNamespace}. */
  static NodeKey of(Node node, String defaultNamespace) {
    Struct metadata = node.getMetadata();
    Value ns = metadata.getFieldsOrDefault("NAMESPACE", Value.getDefaultInstance());
    String namespace = ns.hasStringValue() && !ns.getStringValue().isEmpty() ? ns.getStringValue() : defaultNamespace;
    Map<String, String> labels = new TreeMap<>();
    Value l = metadata.getFieldsOrDefault("LABELS", Value.getDefaultInstance());
    if (l.hasStructValue()) {
      l.getStructValue().getFieldsMap().forEach((k, v) -> {
        if (v.hasStringValue()) {
          labels.put(k, v.getStringValue());
        }
      });
    }
    List<String> listeners = new ArrayList<>();
    Value s = metadata.getFieldsOrDefault(SERVER_LISTENERS, Value.getDefaultInstance());
    if (s.hasListValue()) {
      s.getListValue().getValuesList().forEach(v -> {
        if (v.hasStringValue() && !listeners.contains(v.getStringValue())) {
          listeners.add(v.getStringValue());
        }
      });
    }
    return new NodeKey(namespace, labels, listeners);
  }

  @Override
  public String toString() {
    return namespace + (labels.isEmpty() ? "" : " " + new TreeMap<>(labels))
        + (serverListeners.isEmpty() ? "" : " serving " + serverListeners);
  }
}
