package io.meshlet.grpc;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The load balancer of a mesh channel's inner channel: it balances nothing. The mesh chose the
 * endpoint of each call (weighted split, subset, load balancer, outlier ejections) and named its
 * address in the call's options ({@link #ADDRESS}); the picker hands the call to that address's
 * subchannel, creating it on first use. So grpc-java keeps its own connection management,
 * keep-alive, flow control and reconnect backoff per endpoint.
 *
 * <p>A try may also name the TLS server name of its connection ({@link #SERVER_NAME}: the SNI the
 * DestinationRule asks for); its subchannel then carries it as the address's authority override, which
 * grpc-java sends as SNI and checks the certificate against, while the call keeps its own
 * {@code :authority}. Subchannels are kept per address and server name.
 *
 * <p>A subchannel that cannot connect fails its calls at once ({@code UNAVAILABLE} with the cause),
 * so the mesh can retry elsewhere and outlier detection sees the failure, rather than holding a
 * wait-for-ready call on a dead endpoint.
 */
final class EndpointBalancer extends LoadBalancer {
  static final String POLICY = "meshlet_endpoint";
  /** The endpoint address a try goes to, set by {@link MeshClientCall}. */
  static final CallOptions.Key<SocketAddress> ADDRESS = CallOptions.Key.create("io.meshlet.grpc.endpoint-address");
  /** The TLS server name (SNI) of the try's connection, set by {@link MeshClientCall}; absent: the channel's authority. */
  static final CallOptions.Key<String> SERVER_NAME = CallOptions.Key.create("io.meshlet.grpc.server-name");

  private final Helper helper;
  /** Only touched in the channel's synchronization context. */
  private final Map<Dial, Entry> subchannels = new HashMap<>();
  private boolean shutdown;

  EndpointBalancer(Helper helper) {
    this.helper = helper;
  }

  /** Where a subchannel connects and the server name its TLS handshake sends (null: the channel's authority). */
  private record Dial(SocketAddress address, @Nullable String serverName) {}

  private static final class Entry {
    final Subchannel subchannel;
    ConnectivityStateInfo state = ConnectivityStateInfo.forNonError(ConnectivityState.IDLE);

    Entry(Subchannel subchannel) {
      this.subchannel = subchannel;
    }
  }

  @Override
  public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
    Set<SocketAddress> now = new HashSet<>();
    for (EquivalentAddressGroup g : resolved.getAddresses()) {
      now.addAll(g.getAddresses());
    }
    for (Iterator<Map.Entry<Dial, Entry>> it = subchannels.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Dial, Entry> e = it.next();
      if (!now.contains(e.getKey().address())) {
        // In-flight calls on it finish; new calls no longer go there.
        e.getValue().subchannel.shutdown();
        it.remove();
      }
    }
    // Also the first time: until a picker is published, the channel buffers every call.
    publish();
    return Status.OK;
  }

  @Override
  public boolean canHandleEmptyAddressListFromNameResolution() {
    return true;
  }

  @Override
  public void handleNameResolutionError(Status error) {
    // The mesh's endpoints do not come from name resolution: nothing to fail.
  }

  /** Creates the subchannel of {@code dial} (in the synchronization context) unless it exists. */
  private void create(Dial dial) {
    if (shutdown || subchannels.containsKey(dial)) {
      return;
    }
    Attributes attributes = dial.serverName() == null ? Attributes.EMPTY
        : Attributes.newBuilder().set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, dial.serverName()).build();
    Subchannel sc = helper.createSubchannel(CreateSubchannelArgs.newBuilder()
        .setAddresses(new EquivalentAddressGroup(dial.address(), attributes))
        .build());
    Entry entry = new Entry(sc);
    subchannels.put(dial, entry);
    sc.start(info -> {
      if (subchannels.get(dial) != entry) {
        return;
      }
      entry.state = info;
      publish();
    });
    sc.requestConnection();
    publish();
  }

  private void connect(Dial dial) {
    Entry e = subchannels.get(dial);
    if (e != null && e.state.getState() == ConnectivityState.IDLE) {
      e.subchannel.requestConnection();
    }
  }

  /** A new picker over the current subchannels, and the channel's state: READY if any is. */
  private void publish() {
    boolean ready = false;
    boolean connecting = false;
    Map<Dial, Picked> picks = new HashMap<>();
    for (Map.Entry<Dial, Entry> e : subchannels.entrySet()) {
      ConnectivityStateInfo s = e.getValue().state;
      picks.put(e.getKey(), new Picked(e.getValue().subchannel, s));
      ready |= s.getState() == ConnectivityState.READY;
      connecting |= s.getState() == ConnectivityState.CONNECTING || s.getState() == ConnectivityState.IDLE;
    }
    ConnectivityState state = ready ? ConnectivityState.READY
        : connecting || picks.isEmpty() ? ConnectivityState.CONNECTING : ConnectivityState.TRANSIENT_FAILURE;
    helper.updateBalancingState(state, new Picker(picks));
  }

  @Override
  public void shutdown() {
    shutdown = true;
    for (Entry e : subchannels.values()) {
      e.subchannel.shutdown();
    }
    subchannels.clear();
  }

  /** A subchannel and its state when the picker was made. */
  private record Picked(Subchannel subchannel, ConnectivityStateInfo state) {}

  private final class Picker extends SubchannelPicker {
    private final Map<Dial, Picked> picks;

    Picker(Map<Dial, Picked> picks) {
      this.picks = picks;
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      SocketAddress address = args.getCallOptions().getOption(ADDRESS);
      if (address == null) {
        return PickResult.withError(Status.INTERNAL.withDescription("a call without a mesh endpoint reached the endpoint channel"));
      }
      Dial dial = new Dial(address, args.getCallOptions().getOption(SERVER_NAME));
      Picked p = picks.get(dial);
      if (p == null) {
        helper.getSynchronizationContext().execute(() -> create(dial));
        return PickResult.withNoResult();
      }
      switch (p.state.getState()) {
        case READY:
          return PickResult.withSubchannel(p.subchannel);
        case TRANSIENT_FAILURE:
          return PickResult.withDrop(p.state.getStatus());
        case IDLE:
          helper.getSynchronizationContext().execute(() -> connect(dial));
          return PickResult.withNoResult();
        case CONNECTING:
        default:
          return PickResult.withNoResult();
      }
    }
  }

  /** Registered once by {@link MeshChannel}. */
  static final class Provider extends LoadBalancerProvider {
    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public int getPriority() {
      return 5;
    }

    @Override
    public String getPolicyName() {
      return POLICY;
    }

    @Override
    public LoadBalancer newLoadBalancer(Helper helper) {
      return new EndpointBalancer(helper);
    }

    @Override
    public NameResolver.ConfigOrError parseLoadBalancingPolicyConfig(@Nullable Map<String, ?> rawConfig) {
      return NameResolver.ConfigOrError.fromConfig("no config");
    }
  }
}
