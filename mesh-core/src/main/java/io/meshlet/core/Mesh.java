package io.meshlet.core;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.ConfigSourceProvider;
import io.meshlet.core.config.istio.FileConfigSource;
import io.meshlet.core.explain.ExplainRequest;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.explain.RouteExplainer;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.FileWatcherCertificateProvider;
import io.meshlet.core.internal.MeshRuntime;
import io.meshlet.core.internal.RuntimeListener;
import io.meshlet.core.internal.StartupFailure;
import io.meshlet.core.identity.KeyMaterial;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.model.Workload;
import io.meshlet.core.pipeline.CallListener;
import io.meshlet.core.telemetry.AccessLog;
import io.meshlet.core.telemetry.MeshTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.meshlet.core.pipeline.MeshPipeline;
import io.meshlet.core.pipeline.Mirrors;
import io.meshlet.core.resilience.Breaker;
import io.meshlet.core.resilience.LocalRateLimit;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.internal.MeshState;
import io.meshlet.core.routing.RequestView;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.security.InboundExplanation;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.core.security.InboundRequest;
import io.meshlet.core.snapshot.MeshSnapshot;
import io.meshlet.core.snapshot.Rejection;
import io.meshlet.core.snapshot.SourceStatus;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The mesh inside one workload: its config sources, the snapshot in force and the compiled routes
 * the HTTP and gRPC adapters read on every request.
 *
 * <pre>{@code
 * try (Mesh mesh = Mesh.builder()
 *     .workload("productpage").namespace("default").labels(Map.of("version", "v1"))
 *     .configFile(Path.of("mesh.yaml"))
 *     .build()) {
 *   OkHttpClient client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
 *   System.out.println(mesh.explain(ExplainRequest.get("http://reviews:9080/reviews/0")));
 * }
 * }</pre>
 *
 * <p>{@link Builder#build()} starts the sources and returns once each has delivered a valid config,
 * or throws {@link MeshStartupException} saying which source failed and why. Later updates are
 * applied on one control thread; an invalid one is rejected whole and the last good config stays.
 */
public final class Mesh implements AutoCloseable {
  private final Workload workload;
  private final MeshRuntime runtime;
  private final ScheduledExecutorService control;
  private final boolean ownsControl;
  private final RandomGenerator random;
  private final OutboundTrafficPolicy outboundTrafficPolicy;
  private final MeshTime time;
  private final List<ConfigSource> sources;
  private final @Nullable CertificateProvider certificates;
  private final boolean ownsCertificates;
  private final MeshPipeline pipeline;
  private final MeshTelemetry telemetry;
  /** The key material {@link #identity} was last read from, and that identity. */
  private volatile @Nullable KeyMaterial identityOf;
  private volatile @Nullable SpiffeId identity;

  private Mesh(Builder b, Workload workload, List<ConfigSource> sources, ScheduledExecutorService control, boolean ownsControl,
      @Nullable CertificateProvider certificates, boolean ownsCertificates) {
    this.workload = workload;
    this.control = control;
    this.ownsControl = ownsControl;
    this.random = b.random;
    this.outboundTrafficPolicy = b.outboundTrafficPolicy;
    this.time = b.time;
    this.sources = List.copyOf(sources);
    this.runtime = new MeshRuntime(workload, sources, control, b.clock, b.time, b.rootNamespace, b.numTrustedProxies);
    this.certificates = certificates;
    this.ownsCertificates = ownsCertificates;
    Mirrors mirrors = new Mirrors(b.maxMirrorsInFlight);
    this.telemetry = new MeshTelemetry(b.meterRegistry, b.openTelemetry, b.accessLog, b.clock, random,
        workload, b.rootNamespace, this::identity, () -> runtime.state().snapshot(), () -> runtime.state().routes(),
        () -> this.certificates, runtime::sourceStatuses, mirrors, () -> runtime.state().inbound());
    runtime.addListener(new RuntimeListener() {
      @Override
      public void onSnapshot(MeshSnapshot snapshot) {
        telemetry.snapshotChanged();
      }

      @Override
      public void onRejection(Rejection rejection) {
        telemetry.rejected();
      }

      @Override
      public void onSourceEvent(io.meshlet.core.config.SourceEvent event) {
        telemetry.sourceEvent(event);
      }
    });
    List<CallListener> listeners = new ArrayList<>(telemetry.listeners());
    listeners.addAll(b.callListeners);
    this.pipeline = new MeshPipeline(() -> runtime.state().routes(), () -> runtime.state().inbound(), random, time,
        outboundTrafficPolicy == OutboundTrafficPolicy.REGISTRY_ONLY, mirrors, listeners);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The workload this mesh runs in. */
  public Workload workload() {
    return workload;
  }

  /** The snapshot in force now. */
  public MeshSnapshot snapshot() {
    return runtime.state().snapshot();
  }

  /**
   * The request pipeline adapters run every call through: what to do with an outbound request, and
   * whether an inbound call may be served. See {@link MeshPipeline}.
   */
  public MeshPipeline pipeline() {
    return pipeline;
  }

  /** The compiled routes in force now. */
  public RouteTable routeTable() {
    return runtime.state().routes();
  }

  /**
   * The workload's certificates for mutual TLS (DestinationRule {@code ISTIO_MUTUAL} on the client
   * side, {@code MeshTls.serverContext} on the server side); empty when none were configured.
   */
  public Optional<CertificateProvider> certificates() {
    return Optional.ofNullable(certificates);
  }

  /** This workload's SPIFFE identity from its certificate now; null without certificates. */
  public @Nullable SpiffeId identity() {
    CertificateProvider p = certificates;
    if (p == null) {
      return null;
    }
    KeyMaterial m = p.current();
    if (m != identityOf) {
      identity = m.identity();
      identityOf = m;
    }
    return identity;
  }

  /** The server-side policies (PeerAuthentication, AuthorizationPolicy) for this workload, as of now. */
  public InboundPolicies inbound() {
    return runtime.state().inbound();
  }

  /**
   * Why an incoming call would be allowed or denied: the mutual TLS mode and the PeerAuthentication
   * it comes from, each applicable AuthorizationPolicy and, per rule, whether it matched and why not.
   */
  public InboundExplanation explainInbound(InboundRequest request) {
    return inbound().explain(requireNonNull(request, "request"));
  }

  /**
   * Whether every config source has delivered an accepted config. Always true after a {@link
   * Builder#build()} that waited for it (the default); with {@link Builder#awaitFirstConfig(boolean)
   * awaitFirstConfig(false)} it turns true once the sources are in, which is what a readiness check
   * asks. Until then the mesh routes with an empty config (unknown hosts pass through, or are refused
   * under {@code REGISTRY_ONLY}).
   */
  public boolean hasFirstConfig() {
    return runtime.hasFirstConfig();
  }

  /** The last update the mesh refused, if any. */
  public Optional<Rejection> lastRejection() {
    return Optional.ofNullable(runtime.lastRejection());
  }

  /** Each config source and its state. */
  public List<SourceStatus> sources() {
    return runtime.sourceStatuses();
  }

  /** Each source's own account of what it holds ({@link ConfigSource#configDump()}), by source name. */
  public Map<String, List<String>> configDump() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ConfigSource s : sources) {
      out.put(s.name(), s.configDump());
    }
    return out;
  }

  /** The random source for weighted picks and load balancing. */
  public RandomGenerator random() {
    return random;
  }

  /**
   * The circuit breakers in force, by cluster ({@code outbound|9080|v2|reviews...}), each with its
   * state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}) and failure rate. Live objects: read
   * them when you need the current state.
   */
  public Map<String, Breaker> circuitBreakers() {
    Map<String, Breaker> out = new LinkedHashMap<>();
    for (Cluster c : routeTable().clusters()) {
      Breaker b = c.clusterPolicy().breaker();
      if (b != null) {
        out.put(c.name(), b);
      }
    }
    return out;
  }

  /** The local rate limits in force, by the resource that configured each, with the permissions left. */
  public Map<String, LocalRateLimit> rateLimits() {
    return routeTable().rateLimits();
  }

  /** The monotonic clock and sleeper of timeouts, backoff, fault delays and ejections. */
  public MeshTime time() {
    return time;
  }

  public OutboundTrafficPolicy outboundTrafficPolicy() {
    return outboundTrafficPolicy;
  }

  /**
   * Why a request would go where it goes: which VirtualService and rule (and why earlier rules were
   * skipped), which weighted destination, subset, cluster and endpoint, and what the route changes.
   * Draws from the mesh's random source, so a weighted split shows one possible outcome.
   */
  public Explanation explain(RequestView request) {
    MeshState state = runtime.state();
    return RouteExplainer.explain(state.snapshot(), state.routes(), workload.namespace(),
        outboundTrafficPolicy == OutboundTrafficPolicy.REGISTRY_ONLY, request, random);
  }

  /** {@link #explain(RequestView)} for {@code GET url} with the given headers. */
  public Explanation explain(String url, Map<String, String> headers) {
    return explain(ExplainRequest.of("GET", url, headers));
  }

  public void addListener(MeshListener listener) {
    runtime.addListener(new Listening(requireNonNull(listener, "listener")));
  }

  public void removeListener(MeshListener listener) {
    runtime.removeListener(new Listening(listener));
  }

  /** A {@link MeshListener} as the runtime hears: equal for the same listener, so removal finds it. */
  private record Listening(MeshListener listener) implements RuntimeListener {
    @Override
    public void onSnapshot(MeshSnapshot snapshot) {
      listener.onSnapshot(snapshot);
    }

    @Override
    public void onRejection(Rejection rejection) {
      listener.onRejection(rejection);
    }

    @Override
    public String toString() {
      return listener.toString();
    }
  }

  @Override
  public void close() {
    telemetry.close();
    runtime.close();
    if (certificates != null && ownsCertificates) {
      certificates.close();
    }
    if (ownsControl) {
      control.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "Mesh[" + workload.name() + "." + workload.namespace() + ", version " + snapshot().version() + "]";
  }

  /** Builds a {@link Mesh}. Only {@link #workload} is required besides at least one config source for a useful mesh. */
  public static final class Builder {
    public static final String DEFAULT_NAMESPACE = "default";
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);

    private @Nullable String workload;
    private @Nullable String namespace;
    private @Nullable Map<String, String> labels;
    private final List<Path> configFiles = new ArrayList<>();
    private final List<ConfigSource> configSources = new ArrayList<>();
    private RandomGenerator random = ThreadLocalRandomGenerator.INSTANCE;
    private Clock clock = Clock.systemUTC();
    private MeshTime time = MeshTime.system();
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private OutboundTrafficPolicy outboundTrafficPolicy = OutboundTrafficPolicy.ALLOW_ANY;
    private @Nullable String sourceAddress;
    private @Nullable String locality;
    private @Nullable ScheduledExecutorService controlExecutor;
    private boolean xds;
    private @Nullable Path xdsBootstrap;
    private final Map<String, Object> xdsNodeMetadata = new LinkedHashMap<>();
    private @Nullable URI consulAgent;
    private List<String> consulServices = List.of();
    private String rootNamespace = InboundPolicies.DEFAULT_ROOT_NAMESPACE;
    private int numTrustedProxies;
    private @Nullable CertificateProvider certificates;
    private Path @Nullable [] certificateFiles;
    private final List<Integer> serverPorts = new ArrayList<>();
    private boolean awaitFirstConfig = true;
    private final List<CallListener> callListeners = new ArrayList<>();
    private @Nullable MeterRegistry meterRegistry;
    private @Nullable OpenTelemetry openTelemetry;
    private AccessLog.@Nullable Format accessLog;
    private int maxMirrorsInFlight = Mirrors.DEFAULT_MAX_IN_FLIGHT;

    private Builder() {}

    /**
     * The most mirrored requests ({@code mirror}, {@code mirrors}) in flight at once for this mesh,
     * {@value io.meshlet.core.pipeline.Mirrors#DEFAULT_MAX_IN_FLIGHT} by default; a copy drawn beyond
     * it is dropped and counted ({@code pipeline().mirrors()}). 0 turns mirroring off.
     */
    public Builder maxMirrorsInFlight(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxMirrorsInFlight: " + max + " (expected: >= 0)");
      }
      this.maxMirrorsInFlight = max;
      return this;
    }

    /** The workload's name ({@code app} label in Istio terms), for example {@code productpage}. */
    public Builder workload(String workload) {
      this.workload = requireNonNull(workload, "workload");
      return this;
    }

    /**
     * The namespace short host names are qualified with and policies are selected in; by default the
     * xDS bootstrap's (node metadata {@code NAMESPACE}) when the mesh is built from one, else
     * {@value #DEFAULT_NAMESPACE}.
     */
    public Builder namespace(String namespace) {
      this.namespace = requireNonNull(namespace, "namespace");
      return this;
    }

    /**
     * This workload's labels, matched by {@code sourceLabels} and by policy selectors; by default the
     * xDS bootstrap's (node metadata {@code LABELS}) when the mesh is built from one, else none.
     */
    public Builder labels(Map<String, String> labels) {
      this.labels = Map.copyOf(requireNonNull(labels, "labels"));
      return this;
    }

    /**
     * Istio's root namespace ({@code meshConfig.rootNamespace}): PeerAuthentication and
     * AuthorizationPolicy there without a selector cover the whole mesh; {@value
     * InboundPolicies#DEFAULT_ROOT_NAMESPACE} by default.
     */
    public Builder rootNamespace(String rootNamespace) {
      requireNonNull(rootNamespace, "rootNamespace");
      if (rootNamespace.isEmpty()) {
        throw new IllegalArgumentException("rootNamespace: '' (expected: a namespace, e.g. istio-system)");
      }
      this.rootNamespace = rootNamespace;
      return this;
    }

    /**
     * How many trusted proxies in front of this workload append the caller's address to {@code
     * X-Forwarded-For} (Istio's {@code meshConfig.defaultConfig.gatewayTopology.numTrustedProxies},
     * Envoy's {@code xff_num_trusted_hops}); 0 by default. It decides the remote address that
     * AuthorizationPolicy {@code remoteIpBlocks} and {@code remote.ip} see: with 0, the connection's
     * source address (the header is the client's to write and is not read); with N, the address N
     * entries from the right of the header, or the source address when the header has fewer entries
     * or that entry is not an IP address.
     */
    public Builder numTrustedProxies(int numTrustedProxies) {
      if (numTrustedProxies < 0) {
        throw new IllegalArgumentException("numTrustedProxies: " + numTrustedProxies + " (expected: 0 or more)");
      }
      this.numTrustedProxies = numTrustedProxies;
      return this;
    }

    /** A YAML file, or a directory of them, with Istio resources; watched for changes. May be called more than once. */
    public Builder configFile(Path path) {
      configFiles.add(requireNonNull(path, "path"));
      return this;
    }

    /**
     * Takes config from the xDS control plane named in gRPC's bootstrap file at {@code path} (as
     * istio-agent writes it). Needs {@code io.meshlet:mesh-xds-client} on the classpath.
     */
    public Builder xdsBootstrap(Path path) {
      this.xdsBootstrap = requireNonNull(path, "path");
      this.xds = true;
      return this;
    }

    /**
     * Node metadata sent to the xDS control plane besides the bootstrap's {@code node.metadata},
     * merged over it (a key given here wins), for example {@code MESHLET_METRICS_URL}, the URL
     * mesh-control-plane's console reads this workload's Prometheus series from. Values are
     * strings, numbers, booleans, maps or lists, as JSON has them. May be called more than once
     * (later keys win). Needs {@link #xdsBootstrap} or {@link #xdsFromEnvironment}.
     */
    public Builder xdsNodeMetadata(Map<String, ?> metadata) {
      requireNonNull(metadata, "metadata").forEach((k, v) -> {
        if (k == null || k.isEmpty()) {
          throw new IllegalArgumentException("xdsNodeMetadata: an empty key (expected: a metadata name)");
        }
        if (v == null) {
          throw new IllegalArgumentException("xdsNodeMetadata." + k + ": null (expected: a string, number, boolean, map or list)");
        }
        xdsNodeMetadata.put(k, v);
      });
      return this;
    }

    /**
     * A port this workload's own server listens on. With xDS, the mesh subscribes to the inbound
     * listener of each such port (gRPC's {@code server_listener_resource_name_template}), which carries
     * the workload's mTLS mode, authorization policies and local rate limit. May be called more than once.
     */
    public Builder serverPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("serverPort: " + port + " (expected: 1..65535)");
      }
      if (!serverPorts.contains(port)) {
        serverPorts.add(port);
      }
      return this;
    }

    /**
     * Takes config from the xDS control plane named by gRPC's bootstrap in the environment: the file
     * {@code GRPC_XDS_BOOTSTRAP}, or the JSON in {@code GRPC_XDS_BOOTSTRAP_CONFIG}. Needs {@code
     * io.meshlet:mesh-xds-client} on the classpath.
     */
    public Builder xdsFromEnvironment() {
      this.xdsBootstrap = null;
      this.xds = true;
      return this;
    }

    /**
     * The workload's certificates for mutual TLS. The caller keeps ownership (the mesh does not
     * close it). Without this or {@link #certificateFiles}, an xDS bootstrap's {@code default}
     * {@code file_watcher} certificate provider is used if there is one.
     */
    public Builder certificates(CertificateProvider provider) {
      this.certificates = requireNonNull(provider, "provider");
      this.certificateFiles = null;
      return this;
    }

    /**
     * Certificates from PEM files, re-read every {@link FileWatcherCertificateProvider#DEFAULT_REFRESH_INTERVAL}
     * on the control thread as gRPC's {@code file_watcher} does (istio-agent writes {@code
     * cert-chain.pem}, {@code key.pem} and {@code root-cert.pem}). The mesh owns the watcher.
     */
    public Builder certificateFiles(Path certificateChain, Path privateKey, Path caCertificates) {
      this.certificateFiles = new Path[] {requireNonNull(certificateChain, "certificateChain"),
          requireNonNull(privateKey, "privateKey"), requireNonNull(caCertificates, "caCertificates")};
      this.certificates = null;
      return this;
    }

    /**
     * Endpoints from the Consul agent at {@code agent} ({@code http://127.0.0.1:8500}) for {@code
     * services}, or for every service in its catalog when none is named, each as a STATIC {@code
     * ServiceEntry} on {@code <service>.service.consul} with Consul's defaults (passing instances
     * only, blocking queries). For every other option (ACL token, datacenter, config entries, host
     * forms) pass {@code io.meshlet.consul.ConsulSource.builder()...build()} to {@link #configSource}.
     * Needs {@code io.meshlet:mesh-consul} on the classpath.
     */
    public Builder consul(URI agent, String... services) {
      this.consulAgent = requireNonNull(agent, "agent");
      this.consulServices = List.of(services);
      return this;
    }

    /** Another config source (xDS, Consul, a test's own). */
    public Builder configSource(ConfigSource source) {
      configSources.add(requireNonNull(source, "source"));
      return this;
    }

    /** The random source for weighted splits and load balancing; seed one in tests. */
    public Builder random(RandomGenerator random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** The monotonic clock and sleeper of the request path; a fake one makes timeouts and ejections testable without sleeping. */
    public Builder time(MeshTime time) {
      this.time = requireNonNull(time, "time");
      return this;
    }

    /** How long {@link #build()} waits for every source's first valid config. */
    public Builder startupTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startupTimeout: " + timeout + " (expected: > 0)");
      }
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Whether {@link #build()} waits for every source's first valid config ({@code true}, the
     * default: it fails with {@link MeshStartupException} when one is invalid, a source fails or
     * {@link #startupTimeout} passes). With {@code false} it starts the sources and returns at once;
     * {@link Mesh#hasFirstConfig()}, {@link Mesh#sources()} and {@link Mesh#lastRejection()} then
     * tell how they are doing, as a readiness check would ask.
     */
    public Builder awaitFirstConfig(boolean await) {
      this.awaitFirstConfig = await;
      return this;
    }

    /** How often config files are checked for changes; {@code 250ms} by default. */
    public Builder pollInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("pollInterval: " + interval + " (expected: > 0)");
      }
      this.pollInterval = interval;
      return this;
    }

    public Builder outboundTrafficPolicy(OutboundTrafficPolicy policy) {
      this.outboundTrafficPolicy = requireNonNull(policy, "policy");
      return this;
    }

    /** This workload's IP address, the key of {@code consistentHash.useSourceIp}; the local host's by default. */
    public Builder sourceAddress(String address) {
      this.sourceAddress = requireNonNull(address, "address");
      return this;
    }

    /**
     * Where this workload runs, {@code region/zone/subzone} (trailing parts may be left out), which
     * orders endpoints for locality failover and picks the {@code distribute} rule; by default the
     * xDS bootstrap's {@code node.locality} when the mesh is built from one, else unknown.
     */
    public Builder locality(String locality) {
      requireNonNull(locality, "locality");
      String[] parts = locality.split("/", -1);
      if (parts.length > 3 || (!locality.isEmpty() && parts[0].isEmpty())) {
        throw new IllegalArgumentException("locality: '" + locality + "' (expected: region[/zone[/subzone]])");
      }
      this.locality = locality;
      return this;
    }

    /** The single-threaded executor config changes run on; the mesh makes (and owns) one by default. */
    public Builder controlExecutor(ScheduledExecutorService executor) {
      this.controlExecutor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * A listener of every request the mesh handles, outbound and inbound, on every transport
     * ({@link CallListener}: no-op defaults, must be fast and must not throw). May be called more
     * than once; listeners hear events in the order added, after the mesh's own telemetry.
     */
    public Builder callListener(CallListener listener) {
      callListeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Reports Istio's standard metrics ({@code istio_requests_total}, {@code
     * istio_request_duration_milliseconds}, ...) and the mesh's own health meters to {@code
     * registry}. See {@code docs/telemetry.md}.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Traces every call with {@code openTelemetry}: a client span per outbound call, a server span
     * per inbound call, W3C trace context sent and read (B3 read too), and the server span as the
     * parent of the calls made while serving it.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Writes one access-log line per request to the SLF4J logger {@value AccessLog#LOGGER} (INFO), in
     * Envoy's format ({@link AccessLog.Format#TEXT}) or as JSON. A {@code Telemetry} resource can
     * turn it on or off as well.
     */
    public Builder accessLog(AccessLog.Format format) {
      this.accessLog = requireNonNull(format, "format");
      return this;
    }

    /** Starts the mesh and waits for its first valid config. */
    public Mesh build() {
      if (workload == null) {
        throw new IllegalStateException("workload: not set (expected: the calling workload's name, e.g. productpage)");
      }
      Workload w = new Workload(workload, namespace != null ? namespace : DEFAULT_NAMESPACE,
          labels != null ? labels : Map.of(), sourceAddress != null ? sourceAddress : localAddress(),
          locality != null ? locality : "");
      if (!xds && !xdsNodeMetadata.isEmpty()) {
        throw new IllegalStateException("xdsNodeMetadata: " + xdsNodeMetadata.keySet() + " given but no xDS source "
            + "(expected: xdsBootstrap(path) or xdsFromEnvironment() as well)");
      }
      ConfigSourceProvider xdsProvider = xds ? provider("xds", "mesh-xds-client") : null;
      if (xdsProvider != null) {
        w = xdsProvider.workload(xdsBootstrap, w, namespace != null, labels != null);
      }
      Workload self = w;
      boolean owns = controlExecutor == null;
      ScheduledExecutorService control = owns
          ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshlet-control-" + self.name());
            t.setDaemon(true);
            return t;
          })
          : controlExecutor;
      List<ConfigSource> sources = new ArrayList<>();
      if (!configFiles.isEmpty()) {
        sources.add(FileConfigSource.of(configFiles, w.namespace(), control, pollInterval));
      }
      CertificateProvider certs = certificates;
      boolean ownsCerts = false;
      try {
        if (certificateFiles != null) {
          certs = FileWatcherCertificateProvider.builder(certificateFiles[0], certificateFiles[1], certificateFiles[2])
              .executor(control).build();
          ownsCerts = true;
        }
        if (xdsProvider != null) {
          sources.add(xdsNodeMetadata.isEmpty()
              ? xdsProvider.create(xdsBootstrap, w, List.copyOf(serverPorts))
              : xdsProvider.create(xdsBootstrap, w, List.copyOf(serverPorts), new LinkedHashMap<>(xdsNodeMetadata)));
          if (certs == null) {
            certs = xdsProvider.certificates(xdsBootstrap, control).orElse(null);
            ownsCerts = certs != null;
          }
        }
        if (consulAgent != null) {
          sources.add(provider("consul", "mesh-consul").create(consulAgent, consulServices, w));
        }
      } catch (RuntimeException e) {
        if (ownsCerts && certs != null) {
          certs.close();
        }
        if (owns) {
          control.shutdownNow();
        }
        throw e;
      }
      sources.addAll(configSources);
      Mesh mesh = new Mesh(this, w, sources, control, owns, certs, ownsCerts);
      try {
        if (awaitFirstConfig) {
          mesh.runtime.start(startupTimeout);
        } else {
          mesh.runtime.startSources();
        }
      } catch (StartupFailure e) {
        mesh.close();
        throw new MeshStartupException(e.getMessage());
      } catch (RuntimeException e) {
        mesh.close();
        throw e;
      }
      return mesh;
    }

    private static ConfigSourceProvider provider(String kind, String artifact) {
      for (ConfigSourceProvider p : ServiceLoader.load(ConfigSourceProvider.class, Mesh.class.getClassLoader())) {
        if (p.kind().equals(kind)) {
          return p;
        }
      }
      throw new IllegalStateException(kind + ": no config source of this kind on the classpath (expected: "
          + "io.meshlet:" + artifact + " as a dependency)");
    }

    private static String localAddress() {
      try {
        return InetAddress.getLocalHost().getHostAddress();
      } catch (UnknownHostException e) {
        return InetAddress.getLoopbackAddress().getHostAddress();
      }
    }
  }

  /** Per-thread randomness without contention; {@link ThreadLocalRandom#current()} on every call, as its contract asks. */
  private enum ThreadLocalRandomGenerator implements RandomGenerator {
    INSTANCE;

    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt(int bound) {
      return ThreadLocalRandom.current().nextInt(bound);
    }
  }

}
