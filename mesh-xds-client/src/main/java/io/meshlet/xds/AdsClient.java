package io.meshlet.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.CompileFailure;
import io.meshlet.xds.translate.Translation;
import io.meshlet.xds.translate.XdsResources;
import io.meshlet.xds.translate.XdsTranslator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ADS stream, state of the world or delta (incremental). LDS and CDS are subscribed by wildcard, RDS and EDS by the
 * names the accepted listeners and clusters reference. Each response is translated together with
 * everything already accepted: if any resource of its type cannot be translated, the response is
 * NACKed whole (every problem in {@code error_detail}) and the last accepted resources stay; else it
 * is ACKed and, once no named resource is still awaited, the translation is handed on. A response
 * whose resources equal the accepted ones is not translated again (the translation is pure), and
 * while more responses wait on the executor (the rest of one push: CDS, EDS, LDS, RDS back to back)
 * handing on waits for the last of them, so one push is compiled once, not once per type. The stream
 * reconnects with exponential backoff and jitter, asking again for everything with the last
 * accepted versions. All state lives on one serialized executor.
 */
final class AdsClient {
  private static final Logger log = LoggerFactory.getLogger(AdsClient.class);
  static final Duration DEFAULT_DOES_NOT_EXIST_TIMEOUT = Duration.ofSeconds(15);
  private static final long INITIAL_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 30_000;
  /** Handing on waits for queued responses at most this many responses in a row, so a busy stream still delivers. */
  static final int MAX_HELD_RESPONSES = 64;

  /** What the client reports. Called on the client's executor. */
  interface Handler {
    void onConfig(Translation translation, String version);

    void onStreamError(String reason);

    /** A response of {@code type} was accepted and ACKed. */
    default void onAck(XdsType type, String version) {}

    /** A response of {@code type} was rejected and NACKed with {@code detail}. */
    default void onNack(XdsType type, String version, String detail) {}

    /** The stream delivered its first response. */
    default void onConnected() {}

    /** The stream ended; the client reconnects. */
    default void onDisconnected(String reason) {}
  }

  private final Channel channel;
  private final Node node;
  private final XdsModel model;
  private final ScheduledExecutorService executor;
  private final boolean ignoreResourceDeletion;
  private final Duration doesNotExistTimeout;
  private final Handler handler;
  private final Clock clock;
  private final Map<XdsType, TypeState> types = new EnumMap<>(XdsType.class);
  private Set<String> serverListeners = Set.of();
  /** The port of each server listener, for the config dump's fail-closed note. */
  private Map<String, Integer> serverPorts = Map.of();

  private final boolean delta;
  private @Nullable StreamObserver<DiscoveryRequest> requests;
  private @Nullable StreamObserver<DeltaDiscoveryRequest> deltaRequests;
  private boolean sentNode;
  private long backoffMs = INITIAL_BACKOFF_MS;
  private boolean closed;
  /** The stream failed since the config was last handed on. */
  private boolean streamFailed;
  /** Whether the live stream has delivered a response. */
  private boolean streamUp;
  private volatile List<XdsResourceStatus> dump = List.of();
  /** The translation of exactly the accepted resources, made when they were validated; null once they change otherwise. */
  private @Nullable Translation acceptedTranslation;
  /** Responses handed to the executor by gRPC and not yet handled; written by gRPC threads too. */
  private final AtomicInteger queuedResponses = new AtomicInteger();
  /** An accepted response was not handed on because more were queued; the last of them hands on. */
  private boolean deliveryHeld;
  private int heldResponses;

  /** Per type: what is asked for, what was last accepted, and each resource's status. */
  private static final class TypeState {
    final Set<String> names = new LinkedHashSet<>();
    final Map<String, Message> accepted = new LinkedHashMap<>();
    final Map<String, XdsResourceStatus> status = new LinkedHashMap<>();
    /** Delta: each accepted resource's own version, sent back as initial_resource_versions on reconnect. */
    final Map<String, String> versions = new LinkedHashMap<>();
    /** Delta: the names subscribed on the live stream, to send only differences. */
    final Set<String> subscribedOnStream = new LinkedHashSet<>();
    /** Delta: a request of this type went out on the live stream. */
    boolean sentOnStream;
    String version = "";
    String nonce = "";
    /** A response of this type has been accepted on some stream: the type is warm. */
    boolean received;
    /** The version last NACKed, and how long the NACK of a repeat of it is held back. */
    String nackedVersion = "";
    long nackDelayMs;
  }

  AdsClient(
      Channel channel, Node node, XdsModel model, ScheduledExecutorService executor, boolean ignoreResourceDeletion,
      Duration doesNotExistTimeout, Clock clock, boolean delta, Handler handler) {
    this.delta = delta;
    this.channel = channel;
    this.node = node;
    this.model = model;
    this.executor = executor;
    this.ignoreResourceDeletion = ignoreResourceDeletion;
    this.doesNotExistTimeout = doesNotExistTimeout;
    this.clock = clock;
    this.handler = handler;
    for (XdsType t : XdsType.values()) {
      types.put(t, new TypeState());
    }
  }

  /**
   * The inbound listeners of this workload's servers (gRPC's {@code server_listener_resource_name_template}
   * filled in). LDS stays a wildcard subscription; delta also subscribes to these names explicitly. A
   * name an LDS response does not carry does not exist. While one is not accepted, the translation
   * denies every call to its port (fail closed) and its config dump line says so. Call before {@link #start()}.
   */
  void serverListeners(Map<String, Integer> ports) {
    this.serverPorts = Map.copyOf(ports);
    this.serverListeners = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(ports.keySet()));
    TypeState st = types.get(XdsType.LDS);
    for (String name : serverListeners) {
      st.status.put(name, status(XdsType.LDS, name, XdsResourceStatus.State.REQUESTED, null, null));
    }
  }

  void start() {
    executor.execute(this::openStream);
  }

  /**
   * After an LDS response (or none in time): each server listener it lacks does not exist (or stays
   * NACKED if it was rejected and never accepted), with the note that its port is closed.
   */
  private void markMissingServerListeners(TypeState st) {
    for (String name : serverListeners) {
      if (!st.accepted.containsKey(name)) {
        XdsResourceStatus old = st.status.get(name);
        String note = failClosedNote(name);
        if (old != null && old.error() != null && old.error().contains(note)) {
          continue;
        }
        String error = old != null && old.error() != null ? old.error() + "; " + note : note;
        XdsResourceStatus.State state = old != null && old.state() == XdsResourceStatus.State.NACKED
            ? XdsResourceStatus.State.NACKED : XdsResourceStatus.State.DOES_NOT_EXIST;
        st.status.put(name, new XdsResourceStatus(XdsType.LDS, name, state, old != null && state == XdsResourceStatus.State.NACKED
            ? old.version() : null, clock.instant(), error));
      }
    }
  }

  /** Why a server listener that is not in force matters: its port is closed (see {@code InboundAssembler}). */
  private String failClosedNote(String name) {
    Integer port = serverPorts.get(name);
    return "no inbound listener in force: every call to port " + port + " is denied (AuthorizationPolicy xds-inbound-missing-"
        + port + ", mTLS STRICT)";
  }

  /**
   * A wildcard type that has not answered at all within the timeout counts as warm and empty, as
   * Envoy's initial fetch timeout does: a delta server may send nothing when it has nothing.
   */
  private void initialFetchTimeout(XdsType type, Object stream) {
    TypeState st = types.get(type);
    // Only while the stream that asked is alive: an unreachable control plane is not "nothing to send".
    if (!st.received && !closed && stream == current) {
      log.warn("xDS {}: no response within {}; going on without any", type.resourceName(), doesNotExistTimeout);
      st.received = true;
      if (type == XdsType.LDS) {
        markMissingServerListeners(st);
      }
      deliverIfWarm();
    }
  }

  void shutdown() {
    post(() -> {
      closed = true;
      StreamObserver<DiscoveryRequest> r = requests;
      requests = null;
      if (r != null) {
        r.onCompleted();
      }
      StreamObserver<DeltaDiscoveryRequest> d = deltaRequests;
      deltaRequests = null;
      if (d != null) {
        d.onCompleted();
      }
    });
  }

  /** Runs {@code task} on the client's executor; after shutdown, gRPC's late callbacks are dropped (false). */
  private boolean post(Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("xDS client closed; dropping a late stream callback");
      return false;
    }
  }

  List<XdsResourceStatus> configDump() {
    return dump;
  }

  // ---- executor only ---------------------------------------------------------------------------

  private void openStream() {
    if (closed) {
      return;
    }
    sentNode = false;
    for (TypeState st : types.values()) {
      st.nonce = ""; // nonces belong to the stream that issued them
    }
    if (delta) {
      openDeltaStream();
      return;
    }
    StreamObserver<DiscoveryResponse> responses = observer(this::onResponse);
    current = responses;
    requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(responses);
    for (XdsType t : XdsType.values()) {
      if (t.wildcard() || !types.get(t).names.isEmpty()) {
        send(t, null);
      }
    }
    armTimers(responses);
  }

  private void openDeltaStream() {
    StreamObserver<DeltaDiscoveryResponse> responses = observer(this::onDeltaResponse);
    current = responses;
    deltaRequests = AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(responses);
    armTimers(responses);
    for (XdsType t : XdsType.values()) {
      TypeState st = types.get(t);
      st.subscribedOnStream.clear();
      st.sentOnStream = false;
      if (t.wildcard() || !st.names.isEmpty()) {
        send(t, null);
      }
    }
  }

  /** A stream's response observer: every callback goes to the executor, tagged with the stream it came from. */
  private <T> StreamObserver<T> observer(java.util.function.BiConsumer<Object, T> onNext) {
    return new StreamObserver<T>() {
      @Override
      public void onNext(T response) {
        queuedResponses.incrementAndGet();
        if (!post(() -> {
          queuedResponses.decrementAndGet();
          onNext.accept(this, response);
          deliverHeld();
        })) {
          queuedResponses.decrementAndGet();
        }
      }

      @Override
      public void onError(Throwable t) {
        post(() -> onStreamClosed(this, t.toString()));
      }

      @Override
      public void onCompleted() {
        post(() -> onStreamClosed(this, "stream closed by the server"));
      }
    };
  }

  /** Arms this stream's timers: initial fetch for wildcard types, does-not-exist for named resources still awaited. */
  private void armTimers(Object stream) {
    for (XdsType t : XdsType.values()) {
      TypeState st = types.get(t);
      if (t.wildcard()) {
        if (!st.received) {
          executor.schedule(() -> initialFetchTimeout(t, stream), doesNotExistTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
      } else {
        for (XdsResourceStatus rs : st.status.values()) {
          if (rs.state() == XdsResourceStatus.State.REQUESTED) {
            String name = rs.name();
            executor.schedule(() -> doesNotExistCheck(t, name, stream), doesNotExistTimeout.toMillis(), TimeUnit.MILLISECONDS);
          }
        }
      }
    }
    // A stream that stays up a second after a failure has recovered: hand the config in force on
    // again, so the source stops showing as failed even if the server has nothing new to send.
    if (streamFailed) {
      executor.schedule(() -> {
        if (stream == current && !closed && streamFailed) {
          deliverIfWarm();
        }
      }, 1, TimeUnit.SECONDS);
    }
  }

  /** The observer of the live stream; callbacks of an older stream are dropped. */
  private @Nullable Object current;

  private void onStreamClosed(Object stream, String reason) {
    if (stream != current || closed) {
      return;
    }
    current = null;
    requests = null;
    deltaRequests = null;
    streamFailed = true;
    streamUp = false;
    handler.onDisconnected(reason);
    long jittered = (long) (backoffMs * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    log.warn("xDS stream failed ({}); reconnecting in {} ms, last accepted config stays in force", reason, jittered);
    handler.onStreamError(reason);
    executor.schedule(this::openStream, jittered, TimeUnit.MILLISECONDS);
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
  }

  private void send(XdsType type, @Nullable Status error) {
    if (delta) {
      sendDelta(type, error);
      return;
    }
    StreamObserver<DiscoveryRequest> r = requests;
    if (r == null) {
      return;
    }
    TypeState st = types.get(type);
    DiscoveryRequest.Builder b = DiscoveryRequest.newBuilder()
        .setTypeUrl(type.typeUrl())
        .setVersionInfo(st.version)
        .setResponseNonce(st.nonce);
    if (!type.wildcard()) {
      b.addAllResourceNames(st.names);
    }
    if (!sentNode) {
      b.setNode(node);
      sentNode = true;
    }
    if (error != null) {
      b.setErrorDetail(error);
    }
    r.onNext(b.build());
  }

  /**
   * Delta: the first request of a type on a stream subscribes to everything wanted (a wildcard
   * type to {@code *}) with the versions already held; later ones carry only subscription changes,
   * and ACK or NACK the last response by its nonce.
   */
  private void sendDelta(XdsType type, @Nullable Status error) {
    StreamObserver<DeltaDiscoveryRequest> r = deltaRequests;
    if (r == null) {
      return;
    }
    TypeState st = types.get(type);
    DeltaDiscoveryRequest.Builder b = DeltaDiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl()).setResponseNonce(st.nonce);
    Set<String> wanted = type.wildcard() ? Set.of("*") : st.names;
    if (type == XdsType.LDS && !serverListeners.isEmpty()) {
      wanted = new LinkedHashSet<>(List.of("*"));
      wanted.addAll(serverListeners);
    }
    boolean first = !st.sentOnStream;
    st.sentOnStream = true;
    for (String name : wanted) {
      if (st.subscribedOnStream.add(name)) {
        b.addResourceNamesSubscribe(name);
      }
    }
    for (String name : new ArrayList<>(st.subscribedOnStream)) {
      if (!wanted.contains(name)) {
        st.subscribedOnStream.remove(name);
        b.addResourceNamesUnsubscribe(name);
      }
    }
    if (first) {
      b.setResponseNonce("");
      b.putAllInitialResourceVersions(st.versions);
    }
    if (!sentNode) {
      b.setNode(node);
      sentNode = true;
    }
    if (error != null) {
      b.setErrorDetail(error);
    }
    r.onNext(b.build());
  }

  /** The type of a response on the live stream, or null for a stale stream, a closed client or an unknown type. */
  private @Nullable XdsType liveType(Object stream, String typeUrl) {
    if (stream != current || closed) {
      return null;
    }
    XdsType type = XdsType.ofTypeUrl(typeUrl);
    if (type == null) {
      log.debug("ignoring xDS response of type {}", typeUrl);
    }
    return type;
  }

  private void onResponse(Object stream, DiscoveryResponse response) {
    XdsType type = liveType(stream, response.getTypeUrl());
    if (type == null) {
      return;
    }
    List<String> errors = new ArrayList<>();
    Map<String, Message> received = new LinkedHashMap<>();
    for (int i = 0; i < response.getResourcesCount(); i++) {
      try {
        Message m = type.unpack(response.getResources(i));
        received.put(XdsType.nameOf(m), m);
      } catch (InvalidProtocolBufferException e) {
        errors.add(type.resourceName() + " resources[" + i + "]: cannot be decoded (" + e.getMessage() + ")");
      }
    }
    Map<String, String> versions = new LinkedHashMap<>();
    received.keySet().forEach(n -> versions.put(n, response.getVersionInfo()));
    onResources(type, response.getNonce(), response.getVersionInfo(), received, versions, Set.of(), type.wildcard(), errors);
  }

  private void onDeltaResponse(Object stream, DeltaDiscoveryResponse response) {
    XdsType type = liveType(stream, response.getTypeUrl());
    if (type == null) {
      return;
    }
    List<String> errors = new ArrayList<>();
    Map<String, Message> received = new LinkedHashMap<>();
    Map<String, String> versions = new LinkedHashMap<>();
    for (int i = 0; i < response.getResourcesCount(); i++) {
      Resource res = response.getResources(i);
      try {
        Message m = type.unpack(res.getResource());
        String name = res.getName().isEmpty() ? XdsType.nameOf(m) : res.getName();
        received.put(name, m);
        versions.put(name, res.getVersion());
      } catch (InvalidProtocolBufferException e) {
        errors.add(type.resourceName() + " " + res.getName() + ": cannot be decoded (" + e.getMessage() + ")");
      }
    }
    String version = response.getSystemVersionInfo().isEmpty()
        ? "resources:" + new java.util.TreeMap<>(versions) + " removed:" + new java.util.TreeSet<>(response.getRemovedResourcesList())
        : response.getSystemVersionInfo();
    onResources(type, response.getNonce(), version, received, versions,
        new LinkedHashSet<>(response.getRemovedResourcesList()), false, errors);
  }

  /**
   * One response, whichever the protocol: {@code fullState} when it holds every resource of its
   * type (a state-of-the-world wildcard response), else it adds, replaces and {@code removed}.
   */
  private void onResources(
      XdsType type, String nonce, String version, Map<String, Message> received, Map<String, String> versions,
      Set<String> removed, boolean fullState, List<String> errors) {
    backoffMs = INITIAL_BACKOFF_MS;
    if (!streamUp) {
      streamUp = true;
      handler.onConnected();
    }
    TypeState st = types.get(type);
    st.nonce = nonce;
    Map<String, Message> next = nextResources(type, st, received, removed, fullState);
    Translation unchanged = acceptedTranslation;
    // The same resources as accepted (a new version of unchanged content, as a control plane that
    // versions a snapshot as a whole sends every type): the translation would be the same.
    Translation translation;
    try {
      translation = unchanged != null && next.equals(st.accepted)
          ? unchanged
          : model.translate(resourcesWith(type, next));
    } catch (Throwable e) {
      // The one guard of this source, Errors included: the response is NACKed with what went wrong and
      // the last accepted resources stay.
      log.warn("xDS {} version {} cannot be translated", type, version, e);
      errors.add("cannot be applied: " + (e instanceof CompileFailure f ? ConfigProblem.of(f, "xds").toString() : e.toString()));
      nack(type, st, version, received, Set.of(), errors);
      return;
    }
    Set<String> bad = new LinkedHashSet<>();
    for (ConfigProblem p : translation.problems()) {
      if (p.isError() && type.resourceName().equals(p.kind())) {
        errors.add(p.toString());
        if (p.name() != null) {
          bad.add(p.name());
        }
      }
    }
    if (!errors.isEmpty()) {
      nack(type, st, version, received, bad, errors);
      return;
    }
    st.nackedVersion = "";
    acceptedTranslation = translation; // validated against exactly what is now accepted
    st.accepted.clear();
    st.accepted.putAll(next);
    st.versions.putAll(versions);
    st.versions.keySet().retainAll(next.keySet());
    st.version = version;
    st.received = true;
    for (String name : received.keySet()) {
      if (st.accepted.containsKey(name)) {
        st.status.put(name, status(type, name, XdsResourceStatus.State.ACKED, st.version, null));
      }
    }
    for (String name : removed) {
      if (!st.accepted.containsKey(name) && st.status.containsKey(name)) {
        st.status.put(name, status(type, name, XdsResourceStatus.State.DOES_NOT_EXIST, null, "removed by the server"));
      }
    }
    if (type.wildcard()) {
      st.status.keySet().retainAll(st.accepted.keySet());
    }
    if (type == XdsType.LDS) {
      markMissingServerListeners(st);
    }
    send(type, null);
    handler.onAck(type, st.version);
    log.info("xDS {} version {} accepted: {} resources", type, st.version, st.accepted.size());
    if (type == XdsType.LDS) {
      resubscribe(XdsType.RDS, model.routeNames(listeners()));
    } else if (type == XdsType.CDS) {
      resubscribe(XdsType.EDS, model.edsNames(clusters()));
    }
    deliverWhenDrained();
  }

  /**
   * Hands the accepted config on, unless more responses are queued behind this one: then the last
   * of them does ({@link #deliverHeld}), so that the responses of one push are compiled once.
   * Each response was validated, ACKed or NACKed on its own before this.
   */
  private void deliverWhenDrained() {
    if (queuedResponses.get() > 0 && heldResponses < MAX_HELD_RESPONSES) {
      deliveryHeld = true;
      heldResponses++;
      publishDump();
      return;
    }
    deliverIfWarm();
  }

  /** After each response: hands on what an earlier one held back, once no response is queued. */
  private void deliverHeld() {
    if (deliveryHeld && queuedResponses.get() == 0) {
      deliverIfWarm();
    }
  }

  /** The resources of {@code type} after {@code received}: all of them for wildcard types, a merge for named ones. */
  private Map<String, Message> nextResources(
      XdsType type, TypeState st, Map<String, Message> received, Set<String> removed, boolean fullState) {
    Map<String, Message> next = new LinkedHashMap<>();
    if (!fullState || ignoreResourceDeletion) {
      next.putAll(st.accepted);
    }
    next.putAll(received);
    if (!(type.wildcard() && ignoreResourceDeletion)) {
      next.keySet().removeAll(removed);
    }
    if (!type.wildcard()) {
      next.keySet().retainAll(st.names);
    }
    return next;
  }

  private void nack(XdsType type, TypeState st, String version, Map<String, Message> received, Set<String> bad,
      List<String> errors) {
    String detail = "rejected " + type.resourceName() + " version " + version + ": " + String.join("; ", errors);
    log.warn("xDS {}", detail);
    handler.onNack(type, version, detail);
    for (String name : received.keySet()) {
      if (bad.contains(name) || bad.isEmpty()) {
        XdsResourceStatus old = st.status.get(name);
        st.status.put(name, new XdsResourceStatus(type, name, XdsResourceStatus.State.NACKED,
            old != null ? old.version() : null, clock.instant(), detail));
      }
    }
    if (type == XdsType.LDS && st.received) {
      markMissingServerListeners(st); // a rejected server listener never accepted: its port stays closed
    }
    Status status = Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(detail).build();
    publishDump();
    if (!version.equals(st.nackedVersion)) {
      st.nackedVersion = version;
      st.nackDelayMs = 0;
      send(type, status);
      return;
    }
    // The server sent the version we rejected again (java-control-plane answers a NACK with the same
    // snapshot): hold the NACK back, doubling, so the two do not spin.
    st.nackDelayMs = Math.min(MAX_BACKOFF_MS, Math.max(500, st.nackDelayMs * 2));
    Object stream = current;
    String nonce = st.nonce;
    executor.schedule(() -> {
      // Still about that response: nothing newer was accepted or received meanwhile.
      if (stream == current && !closed && nonce.equals(st.nonce) && version.equals(st.nackedVersion)) {
        send(type, status);
      }
    }, st.nackDelayMs, TimeUnit.MILLISECONDS);
  }

  private void resubscribe(XdsType type, Set<String> names) {
    TypeState st = types.get(type);
    if (st.names.equals(names)) {
      return;
    }
    Set<String> added = new LinkedHashSet<>(names);
    added.removeAll(st.names);
    st.names.clear();
    st.names.addAll(names);
    if (st.accepted.keySet().retainAll(names)) {
      acceptedTranslation = null;
    }
    st.versions.keySet().retainAll(names);
    st.status.keySet().retainAll(names);
    Object stream = current;
    for (String name : added) {
      st.status.put(name, status(type, name, XdsResourceStatus.State.REQUESTED, null, null));
      executor.schedule(() -> doesNotExistCheck(type, name, stream), doesNotExistTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    send(type, null);
  }

  private void doesNotExistCheck(XdsType type, String name, @Nullable Object stream) {
    if (closed || stream == null || stream != current) {
      return; // the stream that asked is gone; the next one re-arms the timer (gRFC A27)
    }
    TypeState st = types.get(type);
    XdsResourceStatus s = st.status.get(name);
    if (s != null && s.state() == XdsResourceStatus.State.REQUESTED) {
      log.warn("xDS {} {} does not exist (not received within {})", type.resourceName(), name, doesNotExistTimeout);
      st.status.put(name, status(type, name, XdsResourceStatus.State.DOES_NOT_EXIST, null, null));
      deliverIfWarm();
    }
  }

  /**
   * Hands the translation on once LDS and CDS have answered and every named resource asked for has
   * arrived or is known not to exist, so the mesh never starts on half a config.
   */
  private void deliverIfWarm() {
    deliveryHeld = false;
    heldResponses = 0;
    publishDump();
    if (closed) {
      return;
    }
    for (XdsType t : XdsType.values()) {
      if (t.wildcard() && !types.get(t).received) {
        return;
      }
      for (XdsResourceStatus s : types.get(t).status.values()) {
        if (s.state() == XdsResourceStatus.State.REQUESTED) {
          return;
        }
      }
    }
    Translation translation = acceptedTranslation;
    if (translation == null) {
      translation = model.translate(accepted());
      acceptedTranslation = translation;
    }
    streamFailed = false;
    handler.onConfig(translation, version());
  }

  private XdsResources accepted() {
    return resourcesWith(null, Map.of());
  }

  @SuppressWarnings("unchecked")
  private XdsResources resourcesWith(@Nullable XdsType replaced, Map<String, Message> replacement) {
    Map<XdsType, Map<String, ? extends Message>> by = new EnumMap<>(XdsType.class);
    for (XdsType t : XdsType.values()) {
      by.put(t, t == replaced ? replacement : types.get(t).accepted);
    }
    return new XdsResources(
        (Map<String, Listener>) (Map<String, ?>) Map.copyOf(by.get(XdsType.LDS)),
        (Map<String, RouteConfiguration>) (Map<String, ?>) Map.copyOf(by.get(XdsType.RDS)),
        (Map<String, Cluster>) (Map<String, ?>) Map.copyOf(by.get(XdsType.CDS)),
        (Map<String, ClusterLoadAssignment>) (Map<String, ?>) Map.copyOf(by.get(XdsType.EDS)));
  }

  @SuppressWarnings("unchecked")
  private List<Listener> listeners() {
    return new ArrayList<>((java.util.Collection<Listener>) (java.util.Collection<?>) types.get(XdsType.LDS).accepted.values());
  }

  @SuppressWarnings("unchecked")
  private List<Cluster> clusters() {
    return new ArrayList<>((java.util.Collection<Cluster>) (java.util.Collection<?>) types.get(XdsType.CDS).accepted.values());
  }

  /** {@code lds=v1,cds=v1,rds=v3,eds=v7}: one version string for the snapshot. */
  private String version() {
    StringBuilder sb = new StringBuilder();
    for (XdsType t : XdsType.values()) {
      sb.append(sb.length() == 0 ? "" : ",").append(t.name().toLowerCase(java.util.Locale.ROOT)).append('=')
          .append(types.get(t).version);
    }
    return sb.toString();
  }

  private XdsResourceStatus status(XdsType type, String name, XdsResourceStatus.State state, @Nullable String version,
      @Nullable String error) {
    return new XdsResourceStatus(type, name, state, version, clock.instant(), error);
  }

  private void publishDump() {
    List<XdsResourceStatus> all = new ArrayList<>();
    for (XdsType t : XdsType.values()) {
      all.addAll(types.get(t).status.values());
    }
    dump = List.copyOf(all);
  }
}
