package io.meshlet.controlplane;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/workloads} and {@code /api/workloads/{node}/config/{kind}}: each node that connected
 * (its identity from the node metadata, whether it is connected, and per resource type the version
 * sent, its ACK/NACK state and the resource names), and the resources served to one node as protobuf JSON.
 */
final class WorkloadsView {
  /** The kinds of the API, in order, with their xDS type URLs. */
  static final Map<String, String> KINDS = kinds();

  private final MeshControlPlane cp;

  WorkloadsView(MeshControlPlane cp) {
    this.cp = cp;
  }

  private static Map<String, String> kinds() {
    Map<String, String> k = new LinkedHashMap<>();
    k.put("listeners", "type.googleapis.com/envoy.config.listener.v3.Listener");
    k.put("routes", "type.googleapis.com/envoy.config.route.v3.RouteConfiguration");
    k.put("clusters", "type.googleapis.com/envoy.config.cluster.v3.Cluster");
    k.put("endpoints", "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment");
    k.put("secrets", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret");
    return java.util.Collections.unmodifiableMap(k);
  }

  Map<String, Object> list() {
    List<Object> out = new ArrayList<>();
    for (NodeStatuses.Status s : cp.nodes().all()) {
      out.add(workload(s));
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("version", Long.toString(cp.version()));
    answer.put("workloads", out);
    return answer;
  }

  private Map<String, Object> workload(NodeStatuses.Status s) {
    Snapshot snapshot = cp.snapshot(s.key()).orElse(null);
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("node", s.id());
    w.put("workload", s.workload());
    w.put("namespace", s.key().namespace());
    w.put("labels", new TreeMap<>(s.key().labels()));
    w.put("locality", s.key().locality());
    w.put("connected", s.connected());
    w.put("metricsUrl", s.metricsUrl());
    Map<String, Object> resources = new LinkedHashMap<>();
    KINDS.forEach((kind, typeUrl) -> {
      NodeStatuses.TypeStatus t = s.types().get(typeUrl);
      if (t == null) {
        return; // never asked for nor sent
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("version", t.version());
      r.put("acked", t.acked());
      r.put("state", t.state().name());
      r.put("nack", t.nack());
      r.put("names", snapshot == null ? List.of() : List.copyOf(new java.util.TreeSet<>(snapshot.resources(typeUrl).keySet())));
      resources.put(kind, r);
    });
    w.put("resources", resources);
    return w;
  }

  Map<String, Object> config(String node, String kind) {
    NodeStatuses.Status s = cp.nodes().find(node).orElseThrow(() -> AdminError.notFound("node: '" + node
        + "' (expected: the id of a node that connected, see /api/workloads)"));
    List<String> types = new ArrayList<>();
    if (kind.equals("all")) {
      types.addAll(KINDS.values());
    } else if (KINDS.containsKey(kind)) {
      types.add(KINDS.get(kind));
    } else {
      throw AdminError.badRequest("kind: '" + kind + "' (expected: one of " + String.join(", ", KINDS.keySet()) + ", all)");
    }
    Snapshot snapshot = cp.snapshot(s.key()).orElse(null);
    List<Object> resources = new ArrayList<>();
    if (snapshot != null) {
      for (String typeUrl : types) {
        NodeStatuses.TypeStatus t = s.types().get(typeUrl);
        String version = snapshot.version(typeUrl);
        Map<String, VersionedResource<?>> byName = new TreeMap<>(snapshot.resources(typeUrl));
        byName.forEach((name, vr) -> {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("typeUrl", typeUrl);
          r.put("name", name);
          r.put("version", version);
          r.put("state", t == null ? NodeStatuses.State.PENDING.name()
              : t.version().equals(version) ? t.state().name() : NodeStatuses.State.PENDING.name());
          r.put("resource", Json.tree(ProtoJson.print((Message) vr.resource())));
          resources.add(r);
        });
      }
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("node", s.id());
    answer.put("kind", kind);
    answer.put("resources", resources);
    return answer;
  }
}
