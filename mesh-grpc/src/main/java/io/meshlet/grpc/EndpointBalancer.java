package io.meshlet.grpc;

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
 * <p>A subchannel that cannot connect fails its calls at once ({@code UNAVAILABLE} with the cause),
 * so the mesh can retry elsewhere and outlier detection sees the failure, rather than holding a
 * wait-for-ready call on a dead endpoint.
 */
final class EndpointBalancer extends LoadBalancer {
  static final String POLICY = "meshlet_endpoint";
  /** The endpoint address a try goes to, set by {@link MeshClientCall}. */
  static final CallOptions.Key<SocketAddress> ADDRESS = CallOptions.Key.create("io.meshlet.grpc.endpoint-address");

  private final Helper helper;
  /** Only touched in the channel's synchronization context. */
  private final Map<SocketAddress, Entry> subchannels = new HashMap<>();
  private boolean shutdown;

  EndpointBalancer(Helper helper) {
    this.helper = helper;
  }

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
    for (Iterator<Map.Entry<SocketAddress, Entry>> it = subchannels.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<SocketAddress, Entry> e = it.next();
      if (!now.contains(e.getKey())) {
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

  /** Creates the subchannel of {@code address} (in the synchronization context) unless it exists. */
  private void create(SocketAddress address) {
    if (shutdown || subchannels.containsKey(address)) {
      return;
    }
    Subchannel sc = helper.createSubchannel(CreateSubchannelArgs.newBuilder()
        .setAddresses(new EquivalentAddressGroup(address))
        .build());
    Entry entry = new Entry(sc);
    subchannels.put(address, entry);
    sc.start(info -> {
      if (subchannels.get(address) != entry) {
        return;
      }
      entry.state = info;
      publish();
    });
    sc.requestConnection();
    publish();
  }

  private void connect(SocketAddress address) {
    Entry e = subchannels.get(address);
    if (e != null && e.state.getState() == ConnectivityState.IDLE) {
      e.subchannel.requestConnection();
    }
  }

  /** A new picker over the current subchannels, and the channel's state: READY if any is. */
  private void publish() {
    boolean ready = false;
    boolean connecting = false;
    Map<SocketAddress, Picked> picks = new HashMap<>();
    for (Map.Entry<SocketAddress, Entry> e : subchannels.entrySet()) {
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
    private final Map<SocketAddress, Picked> picks;

    Picker(Map<SocketAddress, Picked> picks) {
      this.picks = picks;
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      SocketAddress address = args.getCallOptions().getOption(ADDRESS);
      if (address == null) {
        return PickResult.withError(Status.INTERNAL.withDescription("a call without a mesh endpoint reached the endpoint channel"));
      }
      Picked p = picks.get(address);
      if (p == null) {
        helper.getSynchronizationContext().execute(() -> create(address));
        return PickResult.withNoResult();
      }
      switch (p.state.getState()) {
        case READY:
          return PickResult.withSubchannel(p.subchannel);
        case TRANSIENT_FAILURE:
          return PickResult.withDrop(p.state.getStatus());
        case IDLE:
          helper.getSynchronizationContext().execute(() -> connect(address));
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
