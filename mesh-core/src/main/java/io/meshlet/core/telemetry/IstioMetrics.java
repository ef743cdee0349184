package io.meshlet.core.telemetry;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.Workload;
import io.meshlet.core.pipeline.CallEvent;
import io.meshlet.core.pipeline.CallListener;
import io.meshlet.core.pipeline.InboundEvent;
import io.meshlet.core.pipeline.Mirror;
import io.meshlet.core.pipeline.OutboundEvent;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.UnknownHosts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Istio's standard metrics from the pipeline's events, with Istio's names, types, buckets and labels,
 * so Istio's Grafana dashboards and Kiali read them unchanged: {@code istio_requests_total},
 * {@code istio_request_duration_milliseconds}, {@code istio_request_bytes}, {@code
 * istio_response_bytes} and, for gRPC, {@code istio_request_messages_total} / {@code
 * istio_response_messages_total}; {@code reporter="source"} for calls this workload makes, {@code
 * reporter="destination"} for calls it serves. Every series carries every label ({@link #LABELS});
 * what the mesh cannot know is {@code unknown}.
 *
 * <p>Cardinality is bounded by the config: labels come from the workload, the cluster and endpoint
 * the call went to (never the path), the status and the response flags; a passthrough call (a host
 * the mesh does not know) is {@code destination_service_name="PassthroughCluster"} with the host it
 * was sent to, as Istio labels it, for at most {@link #MAX_PASSTHROUGH_HOSTS} distinct hosts. Meters are looked up in a map keyed by the label values and registered once.
 */
public final class IstioMetrics implements CallListener {
  /** Istio's default buckets of {@code istio_request_duration_milliseconds}, in milliseconds. */
  public static final double[] DURATION_BUCKETS = {
    0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000
  };
  /** Istio's buckets of the size histograms, in bytes (exponential, factor 10). */
  public static final double[] SIZE_BUCKETS = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

  /** Metric names as Istio's {@code Telemetry} API names them ({@code metrics[].overrides[].match.metric}). */
  public static final String REQUEST_COUNT = "REQUEST_COUNT";
  public static final String REQUEST_DURATION = "REQUEST_DURATION";
  public static final String REQUEST_SIZE = "REQUEST_SIZE";
  public static final String RESPONSE_SIZE = "RESPONSE_SIZE";
  public static final String GRPC_REQUEST_MESSAGES = "GRPC_REQUEST_MESSAGES";
  public static final String GRPC_RESPONSE_MESSAGES = "GRPC_RESPONSE_MESSAGES";

  /** The label names, in the order the values are computed. */
  public static final List<String> LABELS = List.of(
      "reporter",
      "source_workload", "source_workload_namespace", "source_principal", "source_app", "source_version",
      "source_canonical_service", "source_canonical_revision", "source_cluster",
      "destination_workload", "destination_workload_namespace", "destination_principal", "destination_app",
      "destination_version", "destination_service", "destination_service_name", "destination_service_namespace",
      "destination_canonical_service", "destination_canonical_revision", "destination_cluster",
      "request_protocol", "response_code", "grpc_response_status", "response_flags", "connection_security_policy");

  /**
   * The request header a client-side mesh tells the server-side mesh its workload in (the part of
   * Istio's peer metadata exchange Meshlet does), so {@code reporter="destination"} series name their
   * source: {@code workload;namespace;app;version;canonical-service;canonical-revision;cluster}. Sent
   * on every try to a mesh cluster and on every mirrored copy (never on passthrough calls).
   */
  public static final String PEER_HEADER = "x-meshlet-peer";
  /** At most this many distinct peers are named; more (a caller writes the header) are {@code unknown}. */
  static final int MAX_PEERS = 1000;
  /** At most this many distinct passthrough hosts are named in {@code destination_service}; more are {@code unknown}. */
  static final int MAX_PASSTHROUGH_HOSTS = 1000;
  private static final String UNKNOWN = WorkloadLabels.UNKNOWN;
  private static final int N = 25;
  private static final int SOURCE = 1;
  private static final int DESTINATION = 9;
  private static final int SERVICE = 14;
  private static final int PROTOCOL = 20;
  private static final String[] STATUS = new String[600];
  private static final String[] GRPC_STATUS = new String[17];
  /** Response flags strings by bits, Envoy's {@code -} for none. */
  private static final Map<Integer, String> FLAGS = new ConcurrentHashMap<>();

  static {
    for (int i = 0; i < STATUS.length; i++) {
      STATUS[i] = Integer.toString(i);
    }
    for (int i = 0; i < GRPC_STATUS.length; i++) {
      GRPC_STATUS[i] = Integer.toString(i);
    }
  }

  private final MeterRegistry registry;
  private final WorkloadLabels self;
  private final Supplier<@Nullable SpiffeId> identity;
  private final Supplier<MetricsSettings> settings;
  private final Function<String, @Nullable String> knownService;
  private final Object endpointKey = new Object();
  private final Map<String, String[]> services = new ConcurrentHashMap<>();
  private final Map<String, WorkloadLabels> peers = new ConcurrentHashMap<>();
  private final Map<String, Boolean> passthroughHosts = new ConcurrentHashMap<>();
  private final String selfHeader;
  private final Map<LabelKey, Meters> meters = new ConcurrentHashMap<>();
  private volatile MetricsSettings applied;
  private final String ownService;

  private IstioMetrics(MeterRegistry registry, Workload workload, Supplier<@Nullable SpiffeId> identity,
      Supplier<MetricsSettings> settings, Function<String, @Nullable String> knownService) {
    this.knownService = knownService;
    this.registry = registry;
    this.self = WorkloadLabels.of(workload.labels(), workload.name(), workload.namespace());
    this.identity = identity;
    this.settings = settings;
    this.applied = settings.get();
    this.ownService = self.canonicalService() + "." + self.namespace() + ".svc.cluster.local";
    this.selfHeader = self.header();
  }

  /**
   * @param workload this workload (source labels client-side, destination labels server-side)
   * @param identity this workload's SPIFFE identity now (null without certificates)
   * @param settings the metric overrides in force ({@code Telemetry} resources), read per call
   * @param knownService the qualified host of a service the mesh knows by this name, or null: the
   *     server side names {@code destination_service} after the {@code Host} a caller sent only when
   *     the config knows it (a caller writes that header, so it must not create series)
   */
  public static IstioMetrics create(MeterRegistry registry, Workload workload, Supplier<@Nullable SpiffeId> identity,
      Supplier<MetricsSettings> settings, Function<String, @Nullable String> knownService) {
    return new IstioMetrics(requireNonNull(registry, "registry"), requireNonNull(workload, "workload"),
        requireNonNull(identity, "identity"), requireNonNull(settings, "settings"), requireNonNull(knownService, "knownService"));
  }

  /** Tells the destination who calls ({@link #PEER_HEADER}), on tries to mesh clusters only. */
  @Override
  public void onTryStart(OutboundEvent call) {
    Cluster c = call.cluster();
    if (c != null && !c.isPassthrough()) {
      call.addTryHeader(PEER_HEADER, selfHeader);
    }
  }

  /** Tells a mirror's workload who calls, as the tries do: a shadow is counted under this workload there too. */
  @Override
  public void onMirror(OutboundEvent call, Mirror mirror) {
    if (!mirror.cluster().isPassthrough()) {
      mirror.addHeader(PEER_HEADER, selfHeader);
    }
  }

  @Override
  public void onCallEnd(OutboundEvent call) {
    MetricsSettings s = current();
    if (s.allDisabled()) {
      return;
    }
    String[] v = new String[N];
    v[0] = "source";
    self(v, SOURCE);
    Cluster cluster = call.cluster();
    ClientTlsSettings tls = cluster == null ? null : cluster.tls();
    boolean mtls = tls != null && tls.enabled();
    SpiffeId me = mtls ? identity.get() : null;
    v[SOURCE + 2] = me != null ? me.uri() : UNKNOWN;
    Endpoint endpoint = call.endpoint();
    String host = call.serviceHost();
    String[] service = service(host);
    WorkloadLabels dest = endpoint == null ? null
        : endpoint.attachment(endpointKey, e -> WorkloadLabels.of(e.labels(), null, service[1]));
    workload(v, DESTINATION, dest != null ? dest : WorkloadLabels.NONE);
    v[DESTINATION + 2] = mtls && !tls.subjectAltNames().isEmpty() ? tls.subjectAltNames().get(0) : UNKNOWN;
    if (call.passthrough()) {
      // As Istio's stats filter labels its allow_any route: the Host sent, and PassthroughCluster.
      v[SERVICE] = passthroughHost(call.request().authority());
      v[SERVICE + 1] = UnknownHosts.PASSTHROUGH_CLUSTER;
      v[SERVICE + 2] = UNKNOWN;
    } else {
      // A call REGISTRY_ONLY refused went, as Envoy names it, to the BlackHoleCluster (Istio's label value).
      String none = call.flags().contains(ResponseFlag.BLOCKED) ? UnknownHosts.BLACK_HOLE_CLUSTER : UNKNOWN;
      v[SERVICE] = cluster == null ? none : host;
      v[SERVICE + 1] = cluster == null ? none : service[0];
      v[SERVICE + 2] = cluster == null ? UNKNOWN : service[1];
    }
    outcome(v, call);
    v[N - 1] = UNKNOWN; // Istio's source reporter does not say
    record(s, v, call);
  }

  @Override
  public void onInboundEnd(InboundEvent call) {
    MetricsSettings s = current();
    if (s.allDisabled()) {
      return;
    }
    String[] v = new String[N];
    v[0] = "destination";
    SpiffeId peer = call.peer();
    workload(v, SOURCE, peerOf(call, peer));
    if (peer != null) {
      v[SOURCE + 1] = peer.namespace();
      v[SOURCE + 2] = peer.uri();
    }
    self(v, DESTINATION);
    SpiffeId me = peer != null ? identity.get() : null;
    v[DESTINATION + 2] = me != null ? me.uri() : UNKNOWN;
    String host = serviceOf(call.request().host());
    String[] service = service(host);
    v[SERVICE] = host;
    v[SERVICE + 1] = service[0];
    v[SERVICE + 2] = service[1];
    outcome(v, call);
    v[N - 1] = peer != null ? "mutual_tls" : "none";
    record(s, v, call);
  }

  /**
   * {@code destination_service} of a passthrough call: the authority the caller sent, for the first
   * {@link #MAX_PASSTHROUGH_HOSTS} distinct ones; later ones are {@code unknown}, so an application
   * calling ever new hosts cannot grow the registry without bound.
   */
  private String passthroughHost(String authority) {
    if (authority.isEmpty()) {
      return UNKNOWN;
    }
    if (passthroughHosts.containsKey(authority)) {
      return authority;
    }
    if (passthroughHosts.size() >= MAX_PASSTHROUGH_HOSTS) {
      return UNKNOWN;
    }
    passthroughHosts.putIfAbsent(authority, Boolean.TRUE);
    return authority;
  }

  /**
   * The caller as its mesh said in {@link #PEER_HEADER}; with a verified identity only when the
   * header's namespace is the identity's. At most {@link #MAX_PEERS} distinct values are kept.
   */
  private WorkloadLabels peerOf(InboundEvent call, @Nullable SpiffeId identity) {
    String h = call.request().header(PEER_HEADER);
    if (h == null) {
      return WorkloadLabels.NONE;
    }
    WorkloadLabels w = peers.get(h);
    if (w == null) {
      WorkloadLabels parsed = WorkloadLabels.fromHeader(h);
      if (parsed == null || peers.size() >= MAX_PEERS) {
        return WorkloadLabels.NONE;
      }
      w = peers.computeIfAbsent(h, k -> parsed);
    }
    return identity != null && !identity.namespace().equals(w.namespace()) ? WorkloadLabels.NONE : w;
  }

  /**
   * The service a call to this workload addressed: the service the config knows under its {@code
   * Host}, else this workload's own ({@code <canonical service>.<namespace>.svc.cluster.local}).
   * Never the raw header: the caller writes it.
   */
  private String serviceOf(String host) {
    String known = host.isEmpty() ? null : knownService.apply(host);
    return known != null ? known : ownService;
  }

  private void self(String[] v, int at) {
    workload(v, at, self);
  }

  private static void workload(String[] v, int at, WorkloadLabels w) {
    v[at] = w.workload();
    v[at + 1] = w.namespace();
    v[at + 2] = UNKNOWN;
    v[at + 3] = w.app();
    v[at + 4] = w.version();
    if (at == SOURCE) {
      v[at + 5] = w.canonicalService();
      v[at + 6] = w.canonicalRevision();
      v[at + 7] = w.cluster();
    } else {
      v[at + 8] = w.canonicalService();
      v[at + 9] = w.canonicalRevision();
      v[at + 10] = w.cluster();
    }
  }

  private static void outcome(String[] v, CallEvent call) {
    v[PROTOCOL] = call.protocol();
    int status = call.status();
    v[PROTOCOL + 1] = status >= 0 && status < STATUS.length ? STATUS[status] : Integer.toString(status);
    int grpc = call.grpcStatus();
    v[PROTOCOL + 2] = grpc >= 0 && grpc < GRPC_STATUS.length ? GRPC_STATUS[grpc] : UNKNOWN;
    int bits = call.flags().bits();
    v[PROTOCOL + 3] = bits == 0 ? "-" : FLAGS.computeIfAbsent(bits, b -> call.flags().toString());
  }

  /** {@code [name, namespace]} of a service host: {@code reviews.default.svc.cluster.local} → reviews, default. */
  private String[] service(String host) {
    String[] s = services.get(host);
    if (s == null) {
      int dot = host.indexOf('.');
      String name = dot < 0 ? host : host.substring(0, dot);
      String ns = UNKNOWN;
      int svc = host.indexOf(".svc.");
      if (dot > 0 && svc > dot) {
        ns = host.substring(dot + 1, svc);
      } else if (dot > 0 && host.indexOf('.', dot + 1) < 0) {
        ns = host.substring(dot + 1);
      }
      s = new String[] {name, ns};
      if (services.size() < 10_000) {
        services.put(host, s);
      }
    }
    return s;
  }

  private void record(MetricsSettings s, String[] v, CallEvent call) {
    Meters m = meters.get(new LabelKey(v));
    if (m == null) {
      m = meters.computeIfAbsent(new LabelKey(v), k -> new Meters(registry, s, k.values, call.isGrpc()));
    }
    m.record(call);
  }

  private MetricsSettings current() {
    MetricsSettings s = settings.get();
    if (s != applied) {
      synchronized (this) {
        if (s != applied && !s.equals(applied)) {
          // Tag sets may change: drop the meters registered under the old ones.
          for (Meters m : meters.values()) {
            m.remove(registry);
          }
          meters.clear();
        }
        applied = s;
      }
    }
    return s;
  }

  /** The label values of one series, hashed once. */
  private static final class LabelKey {
    final String[] values;
    private final int hash;

    LabelKey(String[] values) {
      this.values = values;
      this.hash = Arrays.hashCode(values);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LabelKey && ((LabelKey) o).hash == hash && Arrays.equals(((LabelKey) o).values, values);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** The meters of one label set. */
  private static final class Meters {
    final @Nullable Counter requests;
    final @Nullable DistributionSummary duration;
    final @Nullable DistributionSummary requestBytes;
    final @Nullable DistributionSummary responseBytes;
    final @Nullable Counter requestMessages;
    final @Nullable Counter responseMessages;

    Meters(MeterRegistry registry, MetricsSettings s, String[] values, boolean grpc) {
      requests = s.enabled(REQUEST_COUNT)
          ? Counter.builder("istio.requests").description("Requests handled, as Istio counts them")
              .tags(tags(s, REQUEST_COUNT, values)).register(registry) : null;
      duration = s.enabled(REQUEST_DURATION)
          ? DistributionSummary.builder("istio.request.duration").baseUnit("milliseconds")
              .description("Request duration").serviceLevelObjectives(DURATION_BUCKETS)
              .tags(tags(s, REQUEST_DURATION, values)).register(registry) : null;
      requestBytes = s.enabled(REQUEST_SIZE)
          ? DistributionSummary.builder("istio.request").baseUnit("bytes").description("Request body sizes")
              .serviceLevelObjectives(SIZE_BUCKETS).tags(tags(s, REQUEST_SIZE, values)).register(registry) : null;
      responseBytes = s.enabled(RESPONSE_SIZE)
          ? DistributionSummary.builder("istio.response").baseUnit("bytes").description("Response body sizes")
              .serviceLevelObjectives(SIZE_BUCKETS).tags(tags(s, RESPONSE_SIZE, values)).register(registry) : null;
      requestMessages = grpc && s.enabled(GRPC_REQUEST_MESSAGES)
          ? Counter.builder("istio.request.messages").description("gRPC messages sent by the client")
              .tags(tags(s, GRPC_REQUEST_MESSAGES, values)).register(registry) : null;
      responseMessages = grpc && s.enabled(GRPC_RESPONSE_MESSAGES)
          ? Counter.builder("istio.response.messages").description("gRPC messages sent by the server")
              .tags(tags(s, GRPC_RESPONSE_MESSAGES, values)).register(registry) : null;
    }

    private static Tags tags(MetricsSettings s, String metric, String[] values) {
      List<Tag> out = new ArrayList<>(N + 2);
      for (int i = 0; i < N; i++) {
        String name = LABELS.get(i);
        if (!s.removed(metric, name)) {
          out.add(Tag.of(name, values[i]));
        }
      }
      s.added(metric).forEach((k, val) -> out.add(Tag.of(k, val)));
      return Tags.of(out);
    }

    void record(CallEvent call) {
      if (requests != null) {
        requests.increment();
      }
      if (duration != null) {
        duration.record(call.durationNanos() / 1e6);
      }
      if (requestBytes != null) {
        requestBytes.record(call.requestBytes());
      }
      if (responseBytes != null) {
        responseBytes.record(call.responseBytes());
      }
      if (requestMessages != null) {
        requestMessages.increment(call.requestMessages());
      }
      if (responseMessages != null) {
        responseMessages.increment(call.responseMessages());
      }
    }

    void remove(MeterRegistry registry) {
      for (Meter m : new Meter[] {requests, duration, requestBytes, responseBytes, requestMessages, responseMessages}) {
        if (m != null) {
          registry.remove(m);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "IstioMetrics[" + self.workload() + "." + self.namespace() + "]";
  }
}
