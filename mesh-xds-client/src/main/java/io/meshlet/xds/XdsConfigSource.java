package io.meshlet.xds;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.SourceEvent;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.model.Workload;
import io.meshlet.xds.bootstrap.ChannelCredentials;
import io.meshlet.xds.bootstrap.XdsBootstrap;
import io.meshlet.xds.bootstrap.XdsServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Mesh config from an xDS control plane (istiod, mesh-control-plane, any ADS server): a {@link
 * ConfigSource} whose updates are the translation of the resources the ADS stream has accepted.
 * Rejected responses are NACKed and never reach the mesh; while the control plane is unreachable
 * the last accepted config stays in force.
 *
 * <pre>{@code
 * Mesh mesh = Mesh.builder().workload("productpage").namespace("default")
 *     .configSource(XdsConfigSource.builder().target("istiod.istio-system.svc:15010")
 *         .nodeId("sidecar~10.0.0.7~productpage-v1.default~default.svc.cluster.local").build())
 *     .build();
 * }</pre>
 */
public final class XdsConfigSource implements ConfigSource {
  /** istio-agent's {@code server_listener_resource_name_template}, used when none is given. */
  public static final String DEFAULT_SERVER_LISTENER_TEMPLATE = "xds.istio.io/grpc/lds/inbound/%s";
  /**
   * Node metadata listing the inbound listener names this node subscribes to, for control planes
   * (mesh-control-plane) that serve LDS by wildcard and cannot see the names in the request.
   */
  public static final String SERVER_LISTENERS_METADATA = "MESHLET_SERVER_LISTENERS";
  /** The host part of an inbound listener name: the wildcard address gRPC's xDS server listens on (gRFC A36). */
  static final String SERVER_LISTENER_HOST = "0.0.0.0";

  private final String target;
  private final boolean plaintext;
  private final Node node;
  private final String namespace;
  private final boolean ignoreResourceDeletion;
  private final boolean delta;
  private final Duration doesNotExistTimeout;
  private final ScheduledExecutorService executor;
  private final XdsModel model;
  /** The declared inbound listeners: name → port. */
  private final Map<String, Integer> serverListeners;
  private volatile @Nullable ManagedChannel channel;
  private volatile @Nullable AdsClient client;
  private volatile boolean delivered;

  private XdsConfigSource(Builder b) {
    this.target = b.target;
    this.plaintext = b.plaintext;
    this.namespace = b.namespace;
    this.ignoreResourceDeletion = b.ignoreResourceDeletion;
    this.delta = b.delta;
    this.doesNotExistTimeout = b.doesNotExistTimeout;
    Map<String, Integer> ports = new java.util.LinkedHashMap<>();
    for (int port : b.serverPorts) {
      ports.put(b.serverListenerTemplate.replace("%s", SERVER_LISTENER_HOST + ":" + port), port);
    }
    Set<String> names = ports.keySet();
    this.serverListeners = java.util.Collections.unmodifiableMap(ports);
    this.model = b.model != null ? b.model : XdsModel.of(b.namespace, ports);
    Struct.Builder metadata = Struct.newBuilder();
    b.metadata.forEach((k, v) -> metadata.putFields(k, value(v)));
    if (!metadata.containsFields("NAMESPACE")) {
      metadata.putFields("NAMESPACE", Value.newBuilder().setStringValue(b.namespace).build());
    }
    if (!metadata.containsFields("LABELS")) {
      Struct.Builder labels = Struct.newBuilder();
      b.labels.forEach((k, v) -> labels.putFields(k, Value.newBuilder().setStringValue(v).build()));
      metadata.putFields("LABELS", Value.newBuilder().setStructValue(labels).build());
    }
    if (!names.isEmpty() && !metadata.containsFields(SERVER_LISTENERS_METADATA)) {
      com.google.protobuf.ListValue.Builder list = com.google.protobuf.ListValue.newBuilder();
      names.forEach(n -> list.addValues(Value.newBuilder().setStringValue(n)));
      metadata.putFields(SERVER_LISTENERS_METADATA, Value.newBuilder().setListValue(list).build());
    }
    Node.Builder node = Node.newBuilder().setId(b.nodeId).setCluster(b.cluster).setMetadata(metadata);
    if (!b.locality.isEmpty()) {
      // The control plane orders endpoints by this (EDS priorities for locality failover).
      String[] parts = io.meshlet.core.lb.LocalityPlan.parts(b.locality);
      node.setLocality(io.envoyproxy.envoy.config.core.v3.Locality.newBuilder()
          .setRegion(parts[0]).setZone(parts[1]).setSubZone(parts[2]));
    }
    this.node = node.build();
    ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "meshlet-xds-" + target);
      t.setDaemon(true);
      return t;
    });
    // After close, pending timers (reconnect, does-not-exist) must not run.
    ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    ex.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    this.executor = ex;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The source gRPC's bootstrap describes: its first server (plaintext for {@code insecure}
   * credentials, TLS with the JVM's trust store for any other: the certificate files of {@code tls}
   * are not read yet), its node (id, cluster, metadata as
   * written), {@code ignore_resource_deletion}. The workload's namespace is used unless the node's
   * metadata names one.
   */
  public static XdsConfigSource fromBootstrap(XdsBootstrap bootstrap, Workload workload) {
    return fromBootstrap(bootstrap, workload, List.of());
  }

  /**
   * As {@link #fromBootstrap(XdsBootstrap, Workload)}, also subscribing to the inbound listener of
   * each of {@code serverPorts}, named by the bootstrap's {@code server_listener_resource_name_template}
   * (istio-agent's when it has none).
   */
  public static XdsConfigSource fromBootstrap(XdsBootstrap bootstrap, Workload workload, List<Integer> serverPorts) {
    return builderFromBootstrap(bootstrap, workload, serverPorts).build();
  }

  /**
   * A builder set up as {@link #fromBootstrap(XdsBootstrap, Workload, List)} sets it up, for what
   * the bootstrap cannot say (the protocol: {@link Builder#delta(boolean)}).
   */
  public static Builder builderFromBootstrap(XdsBootstrap bootstrap, Workload workload, List<Integer> serverPorts) {
    XdsServer server = bootstrap.primaryServer();
    Path socket = server.unixSocketPath();
    ChannelCredentials creds = server.selectedChannelCredentials();
    io.meshlet.xds.bootstrap.Node node = bootstrap.node();
    String namespace = node.namespace() != null ? node.namespace() : workload.namespace();
    Builder b = builder();
    serverPorts.forEach(b::serverPort);
    String template = bootstrap.serverListenerResourceNameTemplate();
    if (template != null) {
      b.serverListenerTemplate(template);
    }
    return b
        .target(socket != null ? "unix://" + socket : server.serverUri())
        .plaintext(creds == null || creds.type().equals("insecure"))
        .nodeId(node.id())
        .cluster(node.cluster())
        .metadata(node.metadata())
        .namespace(namespace)
        .labels(node.labels().isEmpty() ? workload.labels() : node.labels())
        .locality(workload.locality().isEmpty() ? node.locality().path() : workload.locality())
        .ignoreResourceDeletion(bootstrap.ignoreResourceDeletion());
  }

  /** True when this source speaks the delta (incremental) protocol, false for state of the world. */
  public boolean delta() {
    return delta;
  }

  private static Value value(@Nullable Object v) {
    Value.Builder b = Value.newBuilder();
    if (v == null) {
      return b.setNullValue(com.google.protobuf.NullValue.NULL_VALUE).build();
    }
    if (v instanceof String) {
      return b.setStringValue((String) v).build();
    }
    if (v instanceof Boolean) {
      return b.setBoolValue((Boolean) v).build();
    }
    if (v instanceof Number) {
      return b.setNumberValue(((Number) v).doubleValue()).build();
    }
    if (v instanceof Map) {
      Struct.Builder s = Struct.newBuilder();
      ((Map<?, ?>) v).forEach((k, x) -> s.putFields(String.valueOf(k), value(x)));
      return b.setStructValue(s).build();
    }
    if (v instanceof List) {
      com.google.protobuf.ListValue.Builder l = com.google.protobuf.ListValue.newBuilder();
      ((List<?>) v).forEach(x -> l.addValues(value(x)));
      return b.setListValue(l).build();
    }
    return b.setStringValue(String.valueOf(v)).build();
  }

  @Override
  public String name() {
    return "xds:" + target;
  }

  @Override
  public void start(ConfigSink sink) {
    NettyChannelBuilder channelBuilder = NettyChannelBuilder.forTarget(target);
    channel = (plaintext ? channelBuilder.usePlaintext() : channelBuilder.useTransportSecurity()).build();
    client = new AdsClient(channel, node, model, executor, ignoreResourceDeletion, doesNotExistTimeout,
        Clock.systemUTC(), delta, new AdsClient.Handler() {
          @Override
          public void onConfig(io.meshlet.xds.translate.Translation translation, String version) {
            List<ConfigProblem> warnings = translation.problems().stream().filter(p -> !p.isError()).toList();
            sink.accept(new SourceUpdate(name(), version, translation.config(), warnings));
            delivered = true;
          }

          @Override
          public void onAck(XdsType type, String version) {
            sink.event(new SourceEvent(name(), SourceEvent.Kind.ACK, type.name(), version));
          }

          @Override
          public void onNack(XdsType type, String version, String detail) {
            sink.event(new SourceEvent(name(), SourceEvent.Kind.NACK, type.name(), detail));
          }

          @Override
          public void onConnected() {
            sink.event(new SourceEvent(name(), SourceEvent.Kind.CONNECTED, "", null));
          }

          @Override
          public void onDisconnected(String reason) {
            sink.event(new SourceEvent(name(), SourceEvent.Kind.DISCONNECTED, "", reason));
          }

          @Override
          public void onStreamError(String reason) {
            // Before the first config, the mesh's startup timeout decides; after it, the source shows as failed
            // (last good config in force) until the stream delivers again.
            if (delivered) {
              sink.sourceFailed(name(), "xDS stream to " + target + " failed: " + reason);
            }
          }
        });
    client.serverListeners(serverListeners);
    client.start();
  }

  /** Every subscribed resource with its type, version, state and error: gRPC's CSDS, for a person. */
  public List<XdsResourceStatus> resourceStatuses() {
    AdsClient c = client;
    return c == null ? List.of() : c.configDump();
  }

  /** {@link #resourceStatuses()}, one line each; also what {@code Mesh.configDump()} shows for this source. */
  @Override
  public List<String> configDump() {
    return resourceStatuses().stream().map(XdsResourceStatus::toString).toList();
  }

  @Override
  public void close() {
    AdsClient c = client;
    if (c != null) {
      c.shutdown();
    }
    ManagedChannel ch = channel;
    if (ch != null) {
      ch.shutdownNow();
      try {
        ch.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    executor.shutdown();
  }

  @Override
  public String toString() {
    return name();
  }

  /** Options of an {@link XdsConfigSource}. */
  public static final class Builder {
    private String target = "";
    private String nodeId = "";
    private String cluster = "";
    private String namespace = "default";
    private Map<String, String> labels = Map.of();
    private String locality = "";
    private Map<String, Object> metadata = Map.of();
    private boolean plaintext = true;
    private boolean ignoreResourceDeletion;
    private boolean delta;
    private Duration doesNotExistTimeout = AdsClient.DEFAULT_DOES_NOT_EXIST_TIMEOUT;
    private @Nullable XdsModel model;
    private final Set<Integer> serverPorts = new LinkedHashSet<>();
    private String serverListenerTemplate = DEFAULT_SERVER_LISTENER_TEMPLATE;

    private Builder() {}

    /**
     * A port this workload's server listens on: its inbound listener ({@link #serverListenerTemplate}
     * with {@code %s} = {@code 0.0.0.0:port}) is subscribed to and gives the workload's mTLS mode,
     * AuthorizationPolicies and server-side rate limit. May be called more than once.
     */
    public Builder serverPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("serverPort: " + port + " (expected: 1..65535)");
      }
      serverPorts.add(port);
      return this;
    }

    /** gRPC's {@code server_listener_resource_name_template}; default {@value #DEFAULT_SERVER_LISTENER_TEMPLATE}. */
    public Builder serverListenerTemplate(String template) {
      this.serverListenerTemplate = requireNonNull(template, "template");
      return this;
    }

    /** Tests of the transport replace the translation. */
    Builder model(XdsModel model) {
      this.model = model;
      return this;
    }

    /** The control plane: {@code host:port}, {@code dns:///host:port} or {@code unix:///path}. */
    public Builder target(String target) {
      this.target = requireNonNull(target, "target");
      return this;
    }

    public Builder nodeId(String nodeId) {
      this.nodeId = requireNonNull(nodeId, "nodeId");
      return this;
    }

    public Builder cluster(String cluster) {
      this.cluster = requireNonNull(cluster, "cluster");
      return this;
    }

    /** The workload's namespace: sent as node metadata NAMESPACE, and given to the translated resources. */
    public Builder namespace(String namespace) {
      this.namespace = requireNonNull(namespace, "namespace");
      return this;
    }

    /** Node metadata as the bootstrap writes it (NAMESPACE, LABELS, ...); values are strings, numbers, booleans, maps or lists. */
    public Builder metadata(Map<String, Object> metadata) {
      this.metadata = new java.util.LinkedHashMap<>(metadata);
      return this;
    }

    /** Plaintext (gRPC's {@code insecure}, the default) or TLS with the JVM's trust store. */
    public Builder plaintext(boolean plaintext) {
      this.plaintext = plaintext;
      return this;
    }

    /** The node's locality, {@code region/zone/subzone} (empty: none), sent as {@code node.locality}. */
    public Builder locality(String locality) {
      this.locality = requireNonNull(locality, "locality");
      return this;
    }

    /** The workload's labels, sent as node metadata LABELS. */
    public Builder labels(Map<String, String> labels) {
      this.labels = Map.copyOf(labels);
      return this;
    }

    /** gRPC's {@code ignore_resource_deletion} server feature: a listener or cluster missing from a response is kept. */
    public Builder ignoreResourceDeletion(boolean ignore) {
      this.ignoreResourceDeletion = ignore;
      return this;
    }

    /** Use the delta (incremental) protocol instead of state of the world. */
    public Builder delta(boolean delta) {
      this.delta = delta;
      return this;
    }

    public Builder doesNotExistTimeout(Duration timeout) {
      this.doesNotExistTimeout = requireNonNull(timeout, "timeout");
      return this;
    }

    public XdsConfigSource build() {
      if (target.isEmpty()) {
        throw new IllegalStateException("target: not set (expected: the control plane, e.g. istiod.istio-system.svc:15010)");
      }
      if (nodeId.isEmpty()) {
        throw new IllegalStateException("nodeId: not set (expected: this node's xDS id)");
      }
      return new XdsConfigSource(this);
    }
  }
}
