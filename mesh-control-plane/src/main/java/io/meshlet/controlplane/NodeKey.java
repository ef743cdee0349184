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
 * writes ({@code NAMESPACE}, {@code LABELS}), the inbound listeners its servers subscribe to
 * ({@value #SERVER_LISTENERS}, which Meshlet's xDS client writes: LDS is asked for by wildcard, so
 * the names are not in the request), and whether it is one of gRPC's own xDS clients ({@link
 * #proxylessGrpc}). Nodes with the same key share one snapshot.
 *
 * @param proxylessGrpc a gRPC library's xDS client (grpc-java, grpc-go, ...), which gets what istiod's
 *     grpcgen serves where Meshlet's client and gRPC's read a shape differently (see {@link
 *     SnapshotBuilder}); known by the {@code user_agent_name} gRPC's clients send ({@code "gRPC Java"},
 *     {@code "gRPC Go"}). Meshlet's client sends none. Not istiod's test, metadata {@code GENERATOR:
 *     grpc}: istio-agent writes that into every proxyless bootstrap, Meshlet's included.
 * @param locality the node's {@code region/zone/subzone} (empty: unknown), from which EDS priorities
 *     and locality weights are computed ({@code localityLbSetting}), as istiod does per proxy
 */
record NodeKey(String namespace, Map<String, String> labels, List<String> serverListeners, boolean proxylessGrpc, String locality) {
  /** The node metadata key {@code io.meshlet.xds.XdsConfigSource.SERVER_LISTENERS_METADATA}. */
  static final String SERVER_LISTENERS = "MESHLET_SERVER_LISTENERS";
  /** How every gRPC xDS client's {@code user_agent_name} starts: {@code "gRPC Java"}, {@code "gRPC Go"}. */
  static final String GRPC_USER_AGENT_PREFIX = "gRPC ";

  NodeKey {
    requireNonNull(namespace, "namespace");
    labels = Map.copyOf(labels);
    serverListeners = List.copyOf(serverListeners);
    requireNonNull(locality, "locality");
  }

  NodeKey(String namespace, Map<String, String> labels, List<String> serverListeners, boolean proxylessGrpc) {
    this(namespace, labels, serverListeners, proxylessGrpc, "");
  }

  NodeKey(String namespace, Map<String, String> labels, List<String> serverListeners) {
    this(namespace, labels, serverListeners, false);
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
    io.envoyproxy.envoy.config.core.v3.Locality where = node.getLocality();
    String locality = io.meshlet.core.lb.LocalityPlan.format(where.getRegion(), where.getZone(), where.getSubZone());
    return new NodeKey(namespace, labels, listeners, node.getUserAgentName().startsWith(GRPC_USER_AGENT_PREFIX), locality);
  }

  @Override
  public String toString() {
    return namespace + (labels.isEmpty() ? "" : " " + new TreeMap<>(labels))
        + (serverListeners.isEmpty() ? "" : " serving " + serverListeners)
        + (proxylessGrpc ? " (gRPC)" : "")
        + (locality.isEmpty() ? "" : " in " + locality);
  }
}
