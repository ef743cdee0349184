package io.meshlet.grpc;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The name resolver of a mesh channel's inner channel to the mesh's endpoints. It does not look
 * anything up: it hands the {@link EndpointBalancer} the addresses of the mesh's endpoints that the
 * inner channel may be asked for, so that subchannels of endpoints that left the config are shut
 * down. Which endpoint a call goes to is decided per call by the mesh, not here.
 */
final class EndpointResolver extends NameResolver {
  static final String SCHEME = "meshlet-endpoints";
  /** The mesh channel that feeds the resolver, given as a name-resolver argument of the inner channel. */
  static final NameResolver.Args.Key<Source> SOURCE = NameResolver.Args.Key.create("io.meshlet.grpc.endpoints");

  /** Where the live addresses come from. */
  interface Source {
    /** Registers the resolver; it is {@link #update}d now and whenever the addresses change. */
    void register(EndpointResolver resolver);

    void unregister(EndpointResolver resolver);
  }

  private final String authority;
  private final Source source;
  private final SynchronizationContext syncContext;
  final ChannelKey key;
  private @Nullable Listener2 listener;

  private EndpointResolver(String authority, Source source, ChannelKey key, SynchronizationContext syncContext) {
    this.authority = authority;
    this.source = source;
    this.key = key;
    this.syncContext = syncContext;
  }

  @Override
  public String getServiceAuthority() {
    return authority;
  }

  @Override
  public void start(Listener2 listener) {
    this.listener = listener;
    source.register(this);
  }

  /** The addresses the inner channel may be asked for now; called from any thread. */
  void update(Collection<SocketAddress> live) {
    List<EquivalentAddressGroup> groups = new ArrayList<>(live.size());
    for (SocketAddress a : live) {
      groups.add(new EquivalentAddressGroup(a));
    }
    syncContext.execute(() -> {
      Listener2 l = listener;
      if (l != null) {
        l.onResult2(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups)).build());
      }
    });
  }

  @Override
  public void refresh() {
    source.register(this);
  }

  @Override
  public void shutdown() {
    listener = null;
    source.unregister(this);
  }

  /** Registered once by {@link MeshChannel}; a target of its scheme without the mesh channel's argument is refused. */
  static final class Provider extends NameResolverProvider {
    @Override
    public @Nullable NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
      if (!SCHEME.equals(targetUri.getScheme())) {
        return null;
      }
      Source source = args.getArg(SOURCE);
      ChannelKey key = args.getArg(KEY);
      if (source == null || key == null) {
        throw new IllegalArgumentException(SCHEME + ": targets are built by MeshGrpc.newChannelBuilder, not by hand");
      }
      String path = targetUri.getPath();
      return new EndpointResolver(path.startsWith("/") ? path.substring(1) : path, source, key, args.getSynchronizationContext());
    }

    @Override
    public String getDefaultScheme() {
      return SCHEME;
    }

    @Override
    protected boolean isAvailable() {
      return true;
    }

    @Override
    protected int priority() {
      return 5;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
      return List.of(java.net.InetSocketAddress.class);
    }
  }

  /** Which inner channel the resolver serves. */
  static final NameResolver.Args.Key<ChannelKey> KEY = NameResolver.Args.Key.create("io.meshlet.grpc.channel-key");
}
