package io.meshlet.controlplane;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.serializer.CachedProtoResourcesSerializer;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.config.istio.FileConfigSource;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.ServerIdentities;
import io.meshlet.core.routing.VirtualServiceDelegation;
import io.meshlet.core.security.InboundPolicies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An xDS server (ADS, state of the world and delta) that serves Istio YAML files as istiod's
 * proxyless generator would: the files are watched with mesh-core's {@link FileConfigSource}; on
 * every valid change each connected node group (nodes with the same namespace and labels) gets a new
 * snapshot, each resource type versioned by its content, so a client is sent only the types that
 * changed for it. An update with an error is rejected whole, with the path to each bad
 * field in the log, and the served snapshots stay as they were.
 *
 * <pre>{@code
 * try (MeshControlPlane cp = MeshControlPlane.builder().configDir(Path.of("/etc/mesh")).port(15010).build()) {
 *   cp.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>All state changes run on one control thread; the gRPC threads only read and enqueue.
 *
 * <p>A client's NACK (a request with {@code error_detail}) is logged at WARN once per node, type and
 * rejected version, with its message, and counted ({@link #nacks()}, {@link #lastNack()}).
 */
public final class MeshControlPlane implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(MeshControlPlane.class);

  /**
   * A client's rejection of a served version: a discovery request with {@code error_detail}.
   *
   * @param nodeId the id of the node of the stream ("" when its requests carried none)
   * @param typeUrl the rejected resource type, e.g. {@code type.googleapis.com/envoy.config.cluster.v3.Cluster}
   * @param version the version of the rejected response (found by the NACK's nonce), or {@code
   *     unknown (nonce '...')} for a nonce this control plane did not send on that stream
   * @param message the client's {@code error_detail.message}: what it rejected and why
   */
  public record Nack(String nodeId, String typeUrl, String version, String message) {
    public Nack {
      requireNonNull(nodeId, "nodeId");
      requireNonNull(typeUrl, "typeUrl");
      requireNonNull(version, "version");
      requireNonNull(message, "message");
    }
  }

  /**
   * The node of the stream whose request the gRPC thread is handling. java-control-plane hashes the
   * node of every request, but clients send the node only on a stream's first request; the
   * request callback runs just before the cache hashes, on the same thread, and sets this.
   */
  private static final ThreadLocal<@Nullable NodeKey> CURRENT = new ThreadLocal<>();

  private final List<Path> paths;
  private final int requestedPort;
  private final String defaultNamespace;
  private final String rootNamespace;
  private final String trustDomain;
  private final Duration pollInterval;
  private final ScheduledExecutorService control;
  private final SimpleCache<NodeKey> cache;
  private final Map<Long, NodeKey> streams = new ConcurrentHashMap<>();
  private final NackLog nackLog = new NackLog();
  private final NodeStatuses nodes = new NodeStatuses(nackLog);
  private final int requestedAdminPort;
  private final java.net.@Nullable URI prometheus;
  private final Duration scrapeInterval;
  private @Nullable AdminServer admin;
  /** Node groups seen, in the order they connected; touched on the control thread only. */
  private final Set<NodeKey> groups = new LinkedHashSet<>();
  private volatile @Nullable MeshConfig config;
  /** The snapshots of the current version by content, so groups with equal resources share one; control thread. */
  private final Map<SnapshotBuilder.Resources, Snapshot> servedNow = new HashMap<>();
  private long version;
  private final String processPrefix = Long.toString(System.currentTimeMillis(), 36);
  private volatile @Nullable String lastRejection;
  private volatile long servedVersion;
  private @Nullable FileConfigSource source;
  private @Nullable Server server;

  private MeshControlPlane(Builder b) {
    this.paths = List.copyOf(b.paths);
    this.requestedPort = b.port;
    this.defaultNamespace = b.namespace;
    this.rootNamespace = b.rootNamespace;
    this.trustDomain = b.trustDomain;
    this.pollInterval = b.pollInterval;
    this.requestedAdminPort = b.adminPort;
    this.prometheus = b.prometheus;
    this.scrapeInterval = b.scrapeInterval;
    this.control = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mesh-control-plane");
      t.setDaemon(true);
      return t;
    });
    this.cache = new SimpleCache<>(this::group);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Reads the files, then serves ADS on the port. A first read with errors serves nothing until the files are fixed. */
  public MeshControlPlane start() throws IOException {
    FileConfigSource files = FileConfigSource.of(paths, defaultNamespace, control, pollInterval);
    source = files;
    try {
      control.submit(() -> files.start(new Sink())).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + paths, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("cannot read " + paths + ": " + e.getCause().getMessage(), e.getCause());
    }
    // Every resource is packed into an Any once, not once per stream that gets it: node groups with
    // the same content share one snapshot (serve), so the same message instances reach every stream.
    V3DiscoveryServer discovery = new V3DiscoveryServer(List.of(new Callbacks()), cache, new DefaultExecutorGroup(),
        new CachedProtoResourcesSerializer());
    server = NettyServerBuilder.forAddress(new InetSocketAddress(requestedPort))
        .addService(discovery.getAggregatedDiscoveryServiceImpl())
        .build()
        .start();
    logger.info("serving ADS on port {} for {}", server.getPort(), paths);
    if (requestedAdminPort >= 0) {
      admin = AdminServer.start(this, requestedAdminPort, prometheus, scrapeInterval);
      logger.info("serving the admin API and console on http://localhost:{}/", admin.port());
    }
    return this;
  }

  /** The port ADS is served on (the ephemeral one chosen when built with port 0). */
  public int port() {
    Server s = server;
    if (s == null) {
      throw new IllegalStateException("not started");
    }
    return s.getPort();
  }

  /** Whether the admin API and console are served (an admin port other than -1). */
  public boolean adminEnabled() {
    return requestedAdminPort >= 0;
  }

  /** The port of the admin API and console (the free one chosen when built with admin port 0). */
  public int adminPort() {
    AdminServer a = admin;
    if (a == null) {
      throw new IllegalStateException(requestedAdminPort < 0 ? "the admin server is off (adminPort -1)" : "not started");
    }
    return a.port();
  }

  /** The version of the snapshots served now; 0 before the first valid config. */
  public long version() {
    return servedVersion;
  }

  /** Why the last update was rejected (every error with its field path), if one was. */
  public Optional<String> lastRejection() {
    return Optional.ofNullable(lastRejection);
  }

  /**
   * How many NACKs clients sent since the start, every one (as istiod's {@code
   * pilot_total_xds_rejects}); the log has one line per node, type and rejected version.
   */
  public long nacks() {
    return nackLog.received();
  }

  /** The last NACK a client sent, if any. */
  public Optional<Nack> lastNack() {
    return nackLog.last();
  }

  /** Blocks until the server stops. */
  public void awaitTermination() throws InterruptedException {
    Server s = server;
    if (s != null) {
      s.awaitTermination();
    }
  }

  @Override
  public void close() {
    AdminServer a = admin;
    if (a != null) {
      a.close();
    }
    if (source != null) {
      source.close();
    }
    Server s = server;
    if (s != null) {
      s.shutdownNow();
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    control.shutdownNow();
  }

  // ---- node groups ---------------------------------------------------------------------------

  private NodeKey group(Node node) {
    if (node.hasMetadata() || !node.getId().isEmpty()) {
      return NodeKey.of(node, defaultNamespace);
    }
    NodeKey current = CURRENT.get();
    return current != null ? current : new NodeKey(defaultNamespace, Map.of());
  }

  private final class Callbacks implements DiscoveryServerCallbacks {
    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
      NodeKey key = keyStream(streamId, request.hasNode() ? request.getNode() : null);
      nackLog.request(streamId, request.hasNode() ? request.getNode().getId() : null);
      if (request.hasErrorDetail()) {
        nackLog.received(streamId, request.getTypeUrl(), request.getResponseNonce(), request.getVersionInfo(),
            request.getErrorDetail().getMessage());
      }
      nodes.request(streamId, request.hasNode() ? request.getNode() : null, key, request.getTypeUrl(),
          request.getResponseNonce(), request.hasErrorDetail() ? request.getErrorDetail().getMessage() : null);
    }

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
      // Delta requests after the first carry no node either: key them by their stream the same way.
      NodeKey key = keyStream(streamId, request.hasNode() ? request.getNode() : null);
      nackLog.request(streamId, request.hasNode() ? request.getNode().getId() : null);
      if (request.hasErrorDetail()) {
        nackLog.received(streamId, request.getTypeUrl(), request.getResponseNonce(), null,
            request.getErrorDetail().getMessage());
      }
      nodes.request(streamId, request.hasNode() ? request.getNode() : null, key, request.getTypeUrl(),
          request.getResponseNonce(), request.hasErrorDetail() ? request.getErrorDetail().getMessage() : null);
    }

    @Override
    public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
      nackLog.sent(streamId, response.getTypeUrl(), response.getNonce(), response.getVersionInfo());
      nodes.sent(streamId, response.getTypeUrl(), response.getVersionInfo());
    }

    @Override
    public void onV3StreamDeltaResponse(long streamId, DeltaDiscoveryRequest request, DeltaDiscoveryResponse response) {
      nackLog.sent(streamId, response.getTypeUrl(), response.getNonce(), response.getSystemVersionInfo());
      nodes.sent(streamId, response.getTypeUrl(), response.getSystemVersionInfo());
    }

    /**
     * Remembers a stream's node group from its first request and hands it to the cache's group
     * lookup, which runs next on this thread: java-control-plane hashes every request, but a client
     * sends its node only on the first one of a stream.
     */
    private NodeKey keyStream(long streamId, @Nullable Node node) {
      NodeKey key;
      if (node != null) {
        key = NodeKey.of(node, defaultNamespace);
        if (streams.put(streamId, key) == null) {
          control.execute(() -> register(key));
        }
      } else {
        key = streams.getOrDefault(streamId, new NodeKey(defaultNamespace, Map.of()));
      }
      CURRENT.set(key);
      return key;
    }

    @Override
    public void onStreamClose(long streamId, String typeUrl) {
      streams.remove(streamId);
      nackLog.closed(streamId);
      nodes.closed(streamId);
    }

    @Override
    public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
      streams.remove(streamId);
      nackLog.closed(streamId);
      nodes.closed(streamId);
    }
  }

  /** Control thread: a new group gets the current config at the current version. */
  private void register(NodeKey key) {
    if (groups.add(key)) {
      logger.info("node group {} connected", key);
      if (config != null) {
        serve(key, config, version);
      }
    }
  }

  // ---- updates ------------------------------------------------------------------------------

  private final class Sink implements ConfigSink {
    @Override
    public void accept(SourceUpdate update) {
      List<ConfigProblem> errors = update.errors();
      for (ConfigProblem w : update.warnings()) {
        logger.warn("{}", w);
      }
      if (!errors.isEmpty()) {
        List<String> lines = new ArrayList<>();
        errors.forEach(e -> lines.add(e.toString()));
        lastRejection = String.join("\n", lines);
        logger.error("rejected {} (version {} stays served):\n  {}", update.source(), version, String.join("\n  ", lines));
        return;
      }
      for (ConfigProblem w : VirtualServiceDelegation.resolve(update.config()).warnings()) {
        logger.warn("{}", w); // what delegation leaves out (a missing delegate, a conflicting match)
      }
      config = update.config();
      version++;
      servedNow.clear();
      for (NodeKey key : groups) {
        serve(key, update.config(), version);
      }
      servedVersion = version;
      logger.info("serving version {} ({} resources) to {} node groups", version, update.config().size(), groups.size());
    }

    @Override
    public void sourceFailed(String source, String reason) {
      lastRejection = reason;
      logger.error("{} cannot be read (the served snapshots stay): {}", source, reason);
    }
  }

  /**
   * Sets {@code key}'s snapshot; a group whose resources equal those of a group already served at
   * this version gets the same snapshot object, so its resources are packed once.
   */
  private void serve(NodeKey key, MeshConfig config, long version) {
    SnapshotBuilder.Resources r = SnapshotBuilder.build(config, key, rootNamespace, trustDomain);
    cache.setSnapshot(key, servedNow.computeIfAbsent(r, x -> Snapshot.create(
        x.clusters(), typeVersion(x.clusters()),
        x.endpoints(), typeVersion(x.endpoints()),
        x.listeners(), typeVersion(x.listeners()),
        x.routes(), typeVersion(x.routes()),
        List.of(), typeVersion(List.of()))));
  }

  /**
   * The version of one type's resources: {@code <process>-<digest of their content>}. A push sends a
   * client only the types whose content changed for it (as istiod versions each type), and groups
   * with equal content carry equal versions whatever their history, so they can share a snapshot.
   * The process prefix makes a restarted control plane resend everything once.
   */
  private String typeVersion(List<? extends Message> resources) {
    MessageDigest digest = sha256();
    for (Message m : resources) {
      byte[] bytes = m.toByteArray();
      digest.update((byte) (bytes.length >>> 24));
      digest.update((byte) (bytes.length >>> 16));
      digest.update((byte) (bytes.length >>> 8));
      digest.update((byte) bytes.length);
      digest.update(bytes);
    }
    byte[] d = digest.digest();
    return processPrefix + "-" + HexFormat.of().formatHex(d, 0, 12);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** How many NACKs were logged (the first of each node, type and version); for tests. */
  long nacksLogged() {
    return nackLog.logged();
  }

  /** The nodes that connected, with what each was sent and ACKed; for the admin API. */
  NodeStatuses nodes() {
    return nodes;
  }

  /** The config in force (the last valid one), if any; for the admin API. */
  Optional<MeshConfig> config() {
    return Optional.ofNullable(config);
  }

  /** The files and directories read. */
  List<Path> paths() {
    return paths;
  }

  /** The namespace of nodes that name none. */
  String defaultNamespace() {
    return defaultNamespace;
  }

  /** The root namespace (mesh-wide security policies); for tests. */
  String rootNamespace() {
    return rootNamespace;
  }

  /** The snapshot served to {@code key} now, if any; for tests and the admin API. */
  Optional<Snapshot> snapshot(NodeKey key) {
    return Optional.ofNullable(cache.getSnapshot(key));
  }

  /** Builds a {@link MeshControlPlane}; {@link MeshControlPlane#start()} starts it. */
  public static final class Builder {
    public static final int DEFAULT_PORT = 15010;
    public static final String DEFAULT_NAMESPACE = "default";
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);
    /** Istio's control-plane monitoring port (istiod serves its debug endpoints there too). */
    public static final int DEFAULT_ADMIN_PORT = 15014;
    public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofSeconds(5);

    private final List<Path> paths = new ArrayList<>();
    private int port = DEFAULT_PORT;
    private String namespace = DEFAULT_NAMESPACE;
    private String rootNamespace = InboundPolicies.DEFAULT_ROOT_NAMESPACE;
    private String trustDomain = ServerIdentities.DEFAULT_TRUST_DOMAIN;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private int adminPort = -1;
    private java.net.@Nullable URI prometheus;
    private Duration scrapeInterval = DEFAULT_SCRAPE_INTERVAL;

    private Builder() {}

    /**
     * Serves the admin API ({@code /api/...}, JSON) and the console ({@code /}) on this port over
     * plain HTTP/1.1; 0 picks a free one ({@link MeshControlPlane#adminPort()}), -1 (the builder's
     * default; {@code Main} defaults to {@value #DEFAULT_ADMIN_PORT}) serves none.
     */
    public Builder adminPort(int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("adminPort: " + port + " (expected: -1 (off) or 0..65535)");
      }
      this.adminPort = port;
      return this;
    }

    /**
     * A Prometheus server that scrapes the workloads: the console's graph is then Kiali's queries
     * over its {@code istio_requests_total} and {@code istio_request_duration_milliseconds_bucket}.
     * Without one, the control plane scrapes each workload's metrics URL itself (node metadata
     * {@value NodeStatuses#METRICS_URL}).
     */
    public Builder prometheus(java.net.URI prometheus) {
      requireNonNull(prometheus, "prometheus");
      String scheme = prometheus.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme) || prometheus.getHost() == null) {
        throw new IllegalArgumentException("prometheus: '" + prometheus + "' (expected: http://host:9090)");
      }
      this.prometheus = prometheus;
      return this;
    }

    /** How often the workloads' metrics URLs are read when no Prometheus server is configured. */
    public Builder scrapeInterval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("scrapeInterval: " + interval + " (expected: > 0)");
      }
      this.scrapeInterval = interval;
      return this;
    }

    /** A directory of Istio YAML files (read recursively as mesh-core's file source does). */
    public Builder configDir(Path dir) {
      paths.add(requireNonNull(dir, "dir"));
      return this;
    }

    /** Files or directories. */
    public Builder paths(List<Path> paths) {
      requireNonNull(paths, "paths").forEach(p -> this.paths.add(requireNonNull(p, "paths[]")));
      return this;
    }

    /** The port to serve on; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    /** The namespace of resources that name none, and of nodes that do not say theirs. */
    public Builder namespace(String namespace) {
      this.namespace = requireNonNull(namespace, "namespace");
      return this;
    }

    /**
     * Istio's {@code meshConfig.trustDomain} ({@value ServerIdentities#DEFAULT_TRUST_DOMAIN} by default):
     * the service accounts of a service's endpoints are served as {@code spiffe://<trust domain>/ns/<namespace>/sa/<name>},
     * the SANs an {@code ISTIO_MUTUAL} cluster without {@code subjectAltNames} expects. Give the CA's trust domain.
     */
    public Builder trustDomain(String trustDomain) {
      requireNonNull(trustDomain, "trustDomain");
      if (trustDomain.isEmpty() || trustDomain.contains("/")) {
        throw new IllegalArgumentException("trustDomain: '" + trustDomain + "' (expected: a name such as cluster.local)");
      }
      this.trustDomain = trustDomain;
      return this;
    }

    /**
     * Istio's {@code meshConfig.rootNamespace}: its PeerAuthentications and AuthorizationPolicies
     * without a selector cover the whole mesh ({@value InboundPolicies#DEFAULT_ROOT_NAMESPACE} by
     * default). Give the Meshes reading the same files the same one ({@code Mesh.Builder.rootNamespace}).
     */
    public Builder rootNamespace(String rootNamespace) {
      requireNonNull(rootNamespace, "rootNamespace");
      if (rootNamespace.isEmpty()) {
        throw new IllegalArgumentException("rootNamespace: '' (expected: a namespace, e.g. istio-system)");
      }
      this.rootNamespace = rootNamespace;
      return this;
    }

    public Builder pollInterval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("pollInterval: " + interval + " (expected: > 0)");
      }
      this.pollInterval = interval;
      return this;
    }

    public MeshControlPlane build() {
      if (paths.isEmpty()) {
        throw new IllegalStateException("configDir: not set (expected: a directory or file of Istio YAML)");
      }
      return new MeshControlPlane(this);
    }
  }
}
