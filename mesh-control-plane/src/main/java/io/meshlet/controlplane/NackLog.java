package io.meshlet.controlplane;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NACKs clients send (requests with {@code error_detail}): each is counted, and logged at WARN
 * once per node, type and rejected version, with the client's message.
 *
 * <p>A NACK names the response it rejects by its nonce only: a state-of-the-world NACK's {@code
 * version_info} is the version the client keeps, and a delta request has no version. So the version
 * of every response sent is remembered per stream and type (the last {@value #NONCES_KEPT}), from the
 * response callback, which java-control-plane runs before it sends the response.
 *
 * <p>Logged once because a NACK is not the end of it: java-control-plane answers a request whose
 * version differs from its snapshot's right away, so it sends the rejected version again on every
 * NACK, and the client rejects it again (Meshlet's client backs off from 0.5 s to 30 s). Which
 * version was last logged is kept per node and type, for at most {@value #NODES_KEPT} of them.
 *
 * <p>Thread-safe: called from gRPC threads (requests) and from whichever thread sends a response
 * (gRPC's, or the control thread in {@code setSnapshot}).
 */
final class NackLog {
  private static final Logger logger = LoggerFactory.getLogger(MeshControlPlane.class);
  static final int NONCES_KEPT = 8;
  static final int NODES_KEPT = 10_000;

  /** What is known of a stream: its node and the versions of the responses sent, by type and nonce. */
  private static final class Stream {
    private String nodeId = "";
    private final Map<String, Map<String, String>> versions = new LinkedHashMap<>();
  }

  private final Map<Long, Stream> streams = new ConcurrentHashMap<>();
  private final Map<String, String> loggedVersion = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > NODES_KEPT;
    }
  };
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong logged = new AtomicLong();
  private volatile MeshControlPlane.@Nullable Nack last;

  /** A request on the stream; {@code nodeId} from the one that carries a node (the first), else null. */
  void request(long streamId, @Nullable String nodeId) {
    Stream s = streams.computeIfAbsent(streamId, id -> new Stream());
    if (nodeId != null) {
      synchronized (s) {
        s.nodeId = nodeId;
      }
    }
  }

  /** A response was sent (or is about to be) on the stream. */
  void sent(long streamId, String typeUrl, String nonce, String version) {
    Stream s = streams.get(streamId);
    if (s == null) {
      return; // closed meanwhile
    }
    synchronized (s) {
      Map<String, String> byNonce = s.versions.computeIfAbsent(typeUrl, t -> new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > NONCES_KEPT;
        }
      });
      byNonce.put(nonce, version);
    }
  }

  /**
   * A request with {@code error_detail}: counted, and logged unless this node's last logged NACK of
   * the type was of the same version.
   *
   * @param kept the {@code version_info} of a state-of-the-world NACK (the version the client keeps), or null
   */
  void received(long streamId, String typeUrl, String nonce, @Nullable String kept, String message) {
    Stream s = streams.get(streamId);
    String nodeId = "";
    if (s != null) {
      synchronized (s) {
        nodeId = s.nodeId;
      }
    }
    String version = versionOf(streamId, typeUrl, nonce);
    if (version == null) {
      version = "unknown (nonce '" + nonce + "')";
    }
    received.incrementAndGet();
    last = new MeshControlPlane.Nack(nodeId, typeUrl, version, message);
    boolean first;
    synchronized (loggedVersion) {
      first = !version.equals(loggedVersion.put(nodeId + " " + typeUrl, version));
    }
    if (first) {
      logged.incrementAndGet();
      logger.warn("node {} rejected {} version {}{}: {}", nodeId.isEmpty() ? "(no id)" : nodeId, typeUrl, version,
          kept == null ? "" : kept.isEmpty() ? " (holds none accepted)" : " (keeps version " + kept + ")", message);
    }
  }

  /** The version of the response sent on the stream with {@code nonce}, if it is among the last kept; null otherwise. */
  @Nullable String versionOf(long streamId, String typeUrl, String nonce) {
    Stream s = streams.get(streamId);
    if (s == null) {
      return null;
    }
    synchronized (s) {
      Map<String, String> byNonce = s.versions.get(typeUrl);
      return byNonce == null ? null : byNonce.get(nonce);
    }
  }

  void closed(long streamId) {
    streams.remove(streamId);
  }

  long received() {
    return received.get();
  }

  /** How many NACKs were logged: the first of each node, type and version. */
  long logged() {
    return logged.get();
  }

  Optional<MeshControlPlane.Nack> last() {
    return Optional.ofNullable(last);
  }
}
