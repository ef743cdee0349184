package io.meshlet.controlplane;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the control plane knows of each node that connected, by node id: who it is (its node
 * metadata), whether a stream of it is open, and per resource type the version last sent, the
 * version it last ACKed and its last NACK. The admin API reads it ({@link #all()}, {@link #find}).
 *
 * <p>A request's nonce names the response it answers; its version comes from {@link NackLog}, which
 * keeps the versions of the last responses of each stream (one home for that). A request with an
 * empty nonce subscribes (PENDING until a response is ACKed); one with {@code error_detail} NACKs.
 *
 * <p>Nodes whose streams all closed are kept, marked not connected, up to {@value #DISCONNECTED_KEPT}
 * of them (the oldest go first). Thread-safe: gRPC threads and the sending thread call in.
 */
final class NodeStatuses {
  static final int DISCONNECTED_KEPT = 1000;
  /** Node metadata istio-agent writes with the workload's name (a Deployment's name, for a pod). */
  static final String WORKLOAD_NAME = "WORKLOAD_NAME";
  /**
   * Node metadata a workload may set to announce where its Prometheus series are read ({@code
   * http://host:port/path}); the control plane scrapes it when no Prometheus server is configured.
   */
  static final String METRICS_URL = "MESHLET_METRICS_URL";

  /** Istio's state of one resource type for one node. */
  enum State { ACK, NACK, PENDING }

  /** One resource type of one node. */
  record TypeStatus(String typeUrl, String version, String acked, State state, @Nullable String nack) {}

  /**
   * One node.
   *
   * @param workload the {@value #WORKLOAD_NAME} metadata, else the {@code app} label, else the node id
   * @param metricsUrl the {@value #METRICS_URL} metadata, if set
   */
  record Status(String id, NodeKey key, String workload, Map<String, String> metadata, boolean connected,
      @Nullable String metricsUrl, Map<String, TypeStatus> types) {}

  private static final class Entry {
    final String id;
    NodeKey key;
    Node node;
    int streams;
    final Map<String, Type> types = new LinkedHashMap<>();

    Entry(String id, NodeKey key, Node node) {
      this.id = id;
      this.key = key;
      this.node = node;
    }
  }

  private static final class Type {
    String sent = "";
    String acked = "";
    @Nullable String nackVersion;
    @Nullable String nackMessage;

    State state() {
      if (nackVersion != null && nackVersion.equals(sent)) {
        return State.NACK;
      }
      return !sent.isEmpty() && sent.equals(acked) ? State.ACK : State.PENDING;
    }
  }

  private final NackLog versions;
  private final Map<Long, Entry> byStream = new HashMap<>();
  /** In the order nodes last connected; the disconnected ones beyond the limit are dropped. */
  private final LinkedHashMap<String, Entry> byId = new LinkedHashMap<>();

  NodeStatuses(NackLog versions) {
    this.versions = versions;
  }

  /** A stream's request; {@code node} is set on the first request of a stream (null on later ones). */
  synchronized void request(long streamId, @Nullable Node node, NodeKey key, String typeUrl, String nonce,
      @Nullable String error) {
    Entry e = byStream.get(streamId);
    if (e == null) {
      if (node == null) {
        return; // a stream whose first request carried no node: nothing to name it by
      }
      String id = node.getId();
      e = byId.remove(id); // re-inserted last: it connected now
      if (e == null) {
        e = new Entry(id, key, node);
      }
      e.key = key;
      e.node = node;
      e.streams++;
      byId.put(id, e);
      byStream.put(streamId, e);
    }
    if (typeUrl.isEmpty()) {
      return;
    }
    Type t = e.types.computeIfAbsent(typeUrl, u -> new Type());
    if (nonce.isEmpty()) {
      return; // a subscription
    }
    String version = versions.versionOf(streamId, typeUrl, nonce);
    if (version == null) {
      return; // a nonce of another stream or one too old to know
    }
    if (error != null) {
      t.nackVersion = version;
      t.nackMessage = error;
    } else {
      t.acked = version;
      if (version.equals(t.nackVersion)) {
        t.nackVersion = null; // accepted after all (a resend of it)
        t.nackMessage = null;
      }
    }
  }

  /** A response of {@code version} is sent on the stream. */
  synchronized void sent(long streamId, String typeUrl, String version) {
    Entry e = byStream.get(streamId);
    if (e != null) {
      e.types.computeIfAbsent(typeUrl, u -> new Type()).sent = version;
    }
  }

  synchronized void closed(long streamId) {
    Entry e = byStream.remove(streamId);
    if (e != null && --e.streams == 0) {
      int disconnected = 0;
      for (Entry x : byId.values()) {
        disconnected += x.streams == 0 ? 1 : 0;
      }
      var it = byId.values().iterator();
      while (disconnected > DISCONNECTED_KEPT && it.hasNext()) {
        if (it.next().streams == 0) {
          it.remove();
          disconnected--;
        }
      }
    }
  }

  /** Every node known, connected or not, in the order they connected. */
  synchronized List<Status> all() {
    List<Status> out = new ArrayList<>(byId.size());
    byId.values().forEach(e -> out.add(status(e)));
    return out;
  }

  synchronized Optional<Status> find(String id) {
    Entry e = byId.get(id);
    return e == null ? Optional.empty() : Optional.of(status(e));
  }

  private static Status status(Entry e) {
    Map<String, TypeStatus> types = new LinkedHashMap<>();
    e.types.forEach((url, t) -> types.put(url, new TypeStatus(url, t.sent, t.acked, t.state(),
        t.state() == State.NACK ? t.nackMessage : null)));
    Map<String, String> metadata = strings(e.node.getMetadata());
    String workload = metadata.get(WORKLOAD_NAME);
    if (workload == null || workload.isEmpty()) {
      workload = e.key.labels().getOrDefault("app", e.id);
    }
    return new Status(e.id, e.key, workload, metadata, e.streams > 0, metadata.get(METRICS_URL),
        java.util.Collections.unmodifiableMap(types));
  }

  /** The string-valued fields of the node metadata (LABELS and lists are in the key). */
  private static Map<String, String> strings(Struct metadata) {
    Map<String, String> out = new TreeMap<>();
    metadata.getFieldsMap().forEach((k, v) -> {
      if (v.getKindCase() == Value.KindCase.STRING_VALUE) {
        out.put(k, v.getStringValue());
      }
    });
    return out;
  }
}
