package io.meshlet.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolverRegistry;
import io.grpc.TlsChannelCredentials;
import io.meshlet.core.Mesh;
import io.meshlet.core.identity.ClientTls;
import io.meshlet.core.identity.KeyMaterial;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.WorkloadEndpoint;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.RouteTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The channel {@link MeshGrpc#newChannelBuilder} builds. Each call runs through the mesh's pipeline
 * ({@link MeshClientCall}); its tries go over inner grpc-java channels, one per {@link ChannelKey}:
 * to the mesh's endpoints (the {@link EndpointBalancer} sends each try to the endpoint the mesh
 * picked) or straight to the target, in plaintext or with one {@code DestinationRule tls} setting's
 * credentials. Inner channels are made on first use and shut down when the config no longer uses
 * their TLS setting.
 */
final class MeshChannel extends ManagedChannel implements EndpointResolver.Source {
  /** Where listener callbacks of calls without their own executor go when the builder set none. */
  private static final ExecutorService DEFAULT_EXECUTOR = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "meshlet-grpc-callback");
    t.setDaemon(true);
    return t;
  });
  private static final Object ADDRESS = new Object();

  static {
    NameResolverRegistry.getDefaultRegistry().register(new EndpointResolver.Provider());
    LoadBalancerRegistry.getDefaultRegistry().register(new EndpointBalancer.Provider());
  }

  final Mesh mesh;
  final Target target;
  private final List<Consumer<ManagedChannelBuilder<?>>> transport;
  private final boolean transportSecurity;
  private final @Nullable String overrideAuthority;
  private final Executor executor;
  private final Channel calls;
  private final Map<ChannelKey, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Map<ClientTlsSettings, Tls> credentials = new ConcurrentHashMap<>();
  private final List<EndpointResolver> resolvers = new CopyOnWriteArrayList<>();
  private volatile long version = -1;
  private volatile Map<ChannelKey, Set<SocketAddress>> live = Map.of();
  private volatile boolean shutdown;
  /** Drops the mesh-certificate channels when the certificate rotates; removed at shutdown. */
  private final @Nullable Consumer<KeyMaterial> rotation;

  MeshChannel(MeshChannelBuilder b) {
    this.mesh = b.mesh;
    this.target = b.target;
    this.transport = List.copyOf(b.transport);
    this.transportSecurity = b.transportSecurity;
    this.overrideAuthority = b.overrideAuthority;
    this.executor = b.executor != null ? b.executor : DEFAULT_EXECUTOR;
    this.calls = ClientInterceptors.intercept(new Routing(), b.interceptors);
    this.rotation = mesh.certificates().isPresent() ? material -> rotated() : null;
    if (rotation != null) {
      mesh.certificates().get().addListener(rotation);
    }
  }

  /**
   * The mesh certificate rotated: the next try builds a new inner channel for each {@code
   * ISTIO_MUTUAL} setting, so its connections make a full handshake with the new certificate (a
   * resumed TLS session would keep presenting the old one). Calls in flight on the old channels
   * finish there.
   */
  private void rotated() {
    List<ManagedChannel> old = new ArrayList<>();
    synchronized (channels) {
      channels.entrySet().removeIf(e -> {
        ClientTlsSettings s = e.getKey().tls();
        if (s == null || s.mode() != ClientTlsSettings.Mode.ISTIO_MUTUAL) {
          return false;
        }
        old.add(e.getValue());
        return true;
      });
      credentials.keySet().removeIf(s -> s.mode() == ClientTlsSettings.Mode.ISTIO_MUTUAL);
    }
    old.forEach(ManagedChannel::shutdown);
  }

  private void stopFollowing() {
    if (rotation != null) {
      mesh.certificates().ifPresent(p -> p.removeListener(rotation));
    }
  }

  /** Routes each call through the mesh. */
  private final class Routing extends Channel {
    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(MethodDescriptor<ReqT, RespT> method, CallOptions options) {
      return new MeshClientCall<>(MeshChannel.this, method, options);
    }

    @Override
    public String authority() {
      return MeshChannel.this.authority();
    }
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(MethodDescriptor<ReqT, RespT> method, CallOptions options) {
    return calls.newCall(method, options);
  }

  @Override
  public String authority() {
    return overrideAuthority != null ? overrideAuthority : target.authority();
  }

  /** The authority calls carry unless the call or a rewrite says otherwise; null for the target's. */
  @Nullable String overrideAuthority() {
    return overrideAuthority;
  }

  /** The executor of listener callbacks the mesh delivers itself (a call's own executor comes first). */
  Executor executor() {
    return executor;
  }

  // ---- inner channels -------------------------------------------------------------------------

  /**
   * The channel a try with this key goes over, made on first use. Throws the reason when its TLS
   * cannot be set up (no mesh certificates, unreadable files).
   */
  ManagedChannel channel(ChannelKey key) throws IOException {
    followConfig();
    ManagedChannel c = channels.get(key);
    if (c != null) {
      return c;
    }
    if (shutdown) {
      throw new IOException("the channel to " + target.authority() + " is shut down");
    }
    ChannelCredentials creds = credentials(key);
    synchronized (channels) {
      c = channels.get(key);
      if (c == null) {
        c = build(key, creds);
        channels.put(key, c);
        if (shutdown) {
          c.shutdownNow();
        }
      }
      return c;
    }
  }

  /** A TLS setting as grpc-java credentials, and what it checks and sends ({@link ClientTls#serverName}). */
  private record Tls(ChannelCredentials credentials, ClientTls tls) {}

  /**
   * The TLS server name (SNI) a try to {@code destinationHost} under {@code settings} sends, or
   * null for the channel's authority: {@code tls.sni}, else for SIMPLE and MUTUAL the destination
   * host ({@link ClientTls#serverName}, the rule every transport applies); without either, the
   * builder's {@code overrideAuthority}. Known once {@link #channel} made the setting's channel.
   */
  @Nullable String serverName(@Nullable ClientTlsSettings settings, String destinationHost) {
    Tls t = settings == null ? null : credentials.get(settings);
    String name = t == null ? null : t.tls().serverName(destinationHost);
    return name != null ? name : overrideAuthority;
  }

  private ManagedChannel build(ChannelKey key, ChannelCredentials creds) {
    ManagedChannelBuilder<?> b;
    if (key.direct()) {
      b = Grpc.newChannelBuilder(target.authority(), creds);
    } else {
      b = Grpc.newChannelBuilder(EndpointResolver.SCHEME + ":///" + target.authority(), creds)
          .setNameResolverArg(EndpointResolver.SOURCE, this)
          .setNameResolverArg(EndpointResolver.KEY, key)
          .defaultLoadBalancingPolicy(EndpointBalancer.POLICY);
    }
    for (Consumer<ManagedChannelBuilder<?>> setting : transport) {
      setting.accept(b);
    }
    // An endpoint channel's tries name their TLS server name per subchannel (EndpointBalancer.SERVER_NAME,
    // overrideAuthority included) and their :authority per call; a channel-wide override would discard them.
    if (key.direct() && overrideAuthority != null) {
      b.overrideAuthority(overrideAuthority);
    }
    // The mesh retries (VirtualService retries); gRPC's own retries would retry each try again.
    return b.disableRetry().build();
  }

  private ChannelCredentials credentials(ChannelKey key) throws IOException {
    ClientTlsSettings settings = key.tls();
    if (settings == null) {
      return key.direct() && transportSecurity ? TlsChannelCredentials.create() : InsecureChannelCredentials.create();
    }
    Tls t = credentials.get(settings);
    if (t == null) {
      ClientTls tls = ClientTls.of(settings, mesh.certificates().orElse(null));
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(tls.trustManager());
      if (tls.keyManager() != null) {
        b.keyManager(tls.keyManager());
      }
      t = new Tls(b.build(), tls);
      Tls raced = credentials.putIfAbsent(settings, t);
      t = raced != null ? raced : t;
    }
    return t.credentials();
  }

  /** The address of an endpoint as a socket address, made once per endpoint (an IP literal is not looked up). */
  static SocketAddress address(Endpoint endpoint) {
    return endpoint.attachment(ADDRESS, MeshChannel::socketAddress);
  }

  private static SocketAddress socketAddress(Endpoint e) {
    String a = e.address();
    if (WorkloadEndpoint.isIpLiteral(a)) {
      try {
        return new InetSocketAddress(InetAddress.getByName(a), e.port());
      } catch (UnknownHostException impossible) {
        // an IP literal is parsed, not looked up
      }
    }
    return InetSocketAddress.createUnresolved(a, e.port());
  }


  // ---- following the config -------------------------------------------------------------------

  /**
   * Once per route table version: tells the endpoint resolvers which addresses are live (their
   * balancers shut down the subchannels of endpoints that left) and shuts down the inner channels of
   * TLS settings no cluster uses any more.
   */
  private void followConfig() {
    RouteTable table = mesh.routeTable();
    if (table.version() == version) {
      return;
    }
    List<ManagedChannel> unused = new ArrayList<>();
    synchronized (channels) {
      if (table.version() == version) {
        return;
      }
      Map<ChannelKey, Set<SocketAddress>> byKey = new HashMap<>();
      Set<ClientTlsSettings> tls = new HashSet<>();
      for (Cluster c : table.clusters()) {
        ChannelKey key = ChannelKey.endpoints(c.tls());
        if (key.tls() != null) {
          tls.add(key.tls());
        }
        Set<SocketAddress> addresses = byKey.computeIfAbsent(key, k -> new HashSet<>());
        for (Endpoint e : c.endpoints()) {
          addresses.add(address(e));
        }
      }
      live = byKey;
      channels.entrySet().removeIf(e -> {
        ClientTlsSettings s = e.getKey().tls();
        if (s == null || tls.contains(s)) {
          return false;
        }
        unused.add(e.getValue());
        return true;
      });
      credentials.keySet().retainAll(tls);
      version = table.version();
    }
    for (ManagedChannel c : unused) {
      c.shutdown(); // calls in flight finish
    }
    for (EndpointResolver r : resolvers) {
      r.update(live.getOrDefault(r.key, Set.of()));
    }
  }

  @Override
  public void register(EndpointResolver resolver) {
    if (!resolvers.contains(resolver)) {
      resolvers.add(resolver);
    }
    followConfig();
    resolver.update(live.getOrDefault(resolver.key, Set.of()));
  }

  @Override
  public void unregister(EndpointResolver resolver) {
    resolvers.remove(resolver);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  @Override
  public ManagedChannel shutdown() {
    shutdown = true;
    stopFollowing();
    synchronized (channels) {
      channels.values().forEach(ManagedChannel::shutdown);
    }
    return this;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    if (!shutdown) {
      return false;
    }
    for (ManagedChannel c : channels.values()) {
      if (!c.isTerminated()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public ManagedChannel shutdownNow() {
    shutdown = true;
    stopFollowing();
    synchronized (channels) {
      channels.values().forEach(ManagedChannel::shutdownNow);
    }
    return this;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (ManagedChannel c : List.copyOf(channels.values())) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !c.awaitTermination(left, TimeUnit.NANOSECONDS)) {
        return isTerminated();
      }
    }
    return isTerminated();
  }

  @Override
  public void resetConnectBackoff() {
    channels.values().forEach(ManagedChannel::resetConnectBackoff);
  }

  @Override
  public void enterIdle() {
    channels.values().forEach(ManagedChannel::enterIdle);
  }

  @Override
  public String toString() {
    return "MeshChannel[" + target.authority() + ", " + mesh + ", " + channels.size() + " inner channels]";
  }
}
