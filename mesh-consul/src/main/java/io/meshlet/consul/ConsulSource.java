package io.meshlet.consul;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.HostNames;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.ResourceOrigin;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.kiwiproject.consul.Consul;
import tools.jackson.databind.JsonNode;

/**
 * Endpoints (and, when asked, L7 config entries) from a Consul agent, as a mesh {@link ConfigSource}:
 *
 * <pre>{@code
 * Mesh mesh = Mesh.builder().workload("productpage")
 *     .configFile(Path.of("mesh.yaml"))                   // Istio policy, routing to Consul services
 *     .configSource(ConsulSource.builder()
 *         .address(URI.create("http://127.0.0.1:8500"))
 *         .services("reviews", "ratings")
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>Each service is watched with a blocking query on {@code /v1/health/service/<name>}; each answer
 * becomes a STATIC {@code ServiceEntry} named {@code consul-<name>} whose origin is this source (see
 * docs/consul.md for the host and label mapping). When the agent cannot be reached or answers
 * errors, the source reports itself {@code FAILED} (its last good endpoints keep routing) and
 * reconnects with jittered exponential backoff; the next good answer makes it {@code ACTIVE} again.
 */
public final class ConsulSource implements ConfigSource {
  public static final URI DEFAULT_ADDRESS = URI.create("http://127.0.0.1:8500");
  /** Consul's own default for a blocking query's {@code wait}. */
  public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  /** The port number of the services' one mesh port; calls on any port reach it (a single-port service). */
  public static final int DEFAULT_SERVICE_PORT = 80;
  /** The L7 config entry kinds read with {@link Builder#configEntries(boolean)}. */
  static final List<String> ENTRY_KINDS = List.of("service-resolver", "service-splitter", "service-router");

  private final ConsulSettings settings;
  private final String name;
  private final RandomGenerator random;
  private final @Nullable ScheduledExecutorService givenExecutor;
  /** Every query, by what it watches (a service, a config kind, {@value #CATALOG}); changed on the executor only. */
  private final Map<String, BlockingQuery<?>> queries = new java.util.concurrent.ConcurrentHashMap<>();
  static final String CATALOG = "/v1/catalog/services";
  private BlockingQuery.@Nullable Listener<List<ConsulInstance>> onHealth;
  private @Nullable Backoff backoff;
  // State below is touched on the executor only.
  private final Map<String, List<ConsulInstance>> instances = new TreeMap<>();
  /** Failover targets the source does not watch itself (another datacenter), by {@link FailoverLevel#query()}. */
  private final Map<String, BlockingQuery<?>> failoverQueries = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, List<ConsulInstance>> failoverInstances = new TreeMap<>();
  private final Map<String, List<JsonNode>> entries = new TreeMap<>();
  private final Map<String, BigInteger> indexes = new TreeMap<>();
  private final Map<String, String> failing = new LinkedHashMap<>();
  private @Nullable ConfigSink sink;
  private @Nullable ScheduledExecutorService executor;
  private @Nullable Consul consul;
  private @Nullable OkHttpClient http;
  private volatile List<String> dump = List.of();
  private List<String> watched = List.of();
  private final EntriesLastGood entriesLastGood;

  private ConsulSource(Builder b) {
    this.settings = new ConsulSettings(b.address, b.token, b.datacenter, b.consulNamespace,
        b.meshNamespace != null ? b.meshNamespace : b.consulNamespace != null ? b.consulNamespace : Mesh.Builder.DEFAULT_NAMESPACE,
        b.services, b.allServices, b.hostForms, b.servicePort, b.passingOnly, b.configEntries, b.wait, b.initialBackoff, b.maxBackoff);
    this.name = "consul:" + settings.address().getAuthority();
    this.random = b.random;
    this.givenExecutor = b.executor;
    this.entriesLastGood = new EntriesLastGood(name);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized void start(ConfigSink sink) {
    if (this.sink != null) {
      throw new IllegalStateException(name + ": already started");
    }
    this.sink = requireNonNull(sink, "sink");
    ScheduledExecutorService ex = givenExecutor != null ? givenExecutor : Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshlet-" + name);
      t.setDaemon(true);
      return t;
    });
    executor = ex;
    // A blocking query is held up to wait + wait/16 (Consul's jitter); the read timeout must outlast it.
    long readTimeout = settings.blockingWait().toMillis() + settings.blockingWait().toMillis() / 16 + 10_000;
    Consul.Builder cb = Consul.builder().withUrl(settings.address().toString()).withPing(false)
        .withReadTimeoutMillis(readTimeout);
    if (settings.token() != null) {
      cb.withTokenAuth(settings.token()); // the X-Consul-Token header, not the deprecated ?token=
    }
    consul = cb.build();
    Backoff backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(), random);
    this.backoff = backoff;
    onHealth = storingInto(instances);
    for (String service : settings.services()) {
      watch(service);
    }
    if (settings.allServices()) {
      queries.put(CATALOG, new BlockingQuery<>(CATALOG, new CatalogQuery(consul.catalogClient(), settings), ex, backoff,
          new BlockingQuery.Listener<List<String>>() {
            @Override
            public void onValue(String what, List<String> value, BigInteger index) {
              catalog(value);
              changed(what, index);
            }

            @Override
            public void onFailure(String what, String reason) {
              failed(what, reason);
            }
          }));
    }
    if (settings.configEntries()) {
      http = new OkHttpClient.Builder().readTimeout(Duration.ofMillis(readTimeout)).build();
      BlockingQuery.Listener<List<JsonNode>> onEntries = storingInto(entries);
      for (String kind : ENTRY_KINDS) {
        queries.put(kind, new BlockingQuery<>(kind, new ConfigEntryQuery(http, kind, settings), ex, backoff, onEntries));
      }
    }
    for (BlockingQuery<?> q : queries.values()) {
      q.start();
    }
  }

  private BlockingQuery<?> watch(String service) {
    BlockingQuery<?> q = new BlockingQuery<>(service, new HealthQuery(requireNonNull(consul).healthClient(), service,
        settings.datacenter(), settings), requireNonNull(executor), requireNonNull(backoff), requireNonNull(onHealth));
    queries.put(service, q);
    return q;
  }

  /**
   * Watches the failover targets in other datacenters that {@code failovers} name and drops the ones
   * no longer named. Their answers do not hold back updates (a datacenter that never answers must not
   * freeze this one's endpoints); until one answers, its level has no instances.
   */
  private void watchFailovers(Map<String, List<FailoverLevel>> failovers) {
    java.util.Set<String> wanted = new java.util.TreeSet<>();
    for (List<FailoverLevel> levels : failovers.values()) {
      for (FailoverLevel l : levels) {
        if (l.datacenter() != null) {
          wanted.add(l.query());
          if (!failoverQueries.containsKey(l.query())) {
            BlockingQuery<?> q = new BlockingQuery<>(l.query(), new HealthQuery(requireNonNull(consul).healthClient(),
                l.service(), l.datacenter(), settings), requireNonNull(executor), requireNonNull(backoff),
                storingInto(failoverInstances));
            failoverQueries.put(l.query(), q);
            q.start();
          }
        }
      }
    }
    for (String gone : List.copyOf(failoverQueries.keySet())) {
      if (!wanted.contains(gone)) {
        failoverQueries.remove(gone).close();
        failoverInstances.remove(gone);
        indexes.remove(gone);
        failing.remove(gone);
      }
    }
  }

  /** The service's own instances, then each failover level's. */
  private List<List<ConsulInstance>> levels(String service, List<ConsulInstance> own, List<FailoverLevel> failover) {
    List<List<ConsulInstance>> levels = new ArrayList<>();
    levels.add(own);
    for (FailoverLevel l : failover) {
      List<ConsulInstance> all = l.datacenter() == null ? instances.get(l.service()) : failoverInstances.get(l.query());
      levels.add(all == null ? List.of() : all.stream().filter(l::selects).toList());
    }
    return levels;
  }

  /** The catalog's services now: watch the new ones (valid host labels only), drop the gone ones. */
  private void catalog(List<String> names) {
    List<String> now = names.stream().filter(n -> n.indexOf('.') < 0 && HostNames.problem(n) == null).toList();
    for (String gone : watched) {
      if (!now.contains(gone)) {
        BlockingQuery<?> q = queries.remove(gone);
        if (q != null) {
          q.close();
        }
        instances.remove(gone);
        indexes.remove(gone);
        failing.remove(gone);
      }
    }
    for (String n : now) {
      if (!queries.containsKey(n)) {
        watch(n).start();
      }
    }
    watched = now;
  }

  /** A listener that keeps each query's last answer in {@code state} and delivers. */
  private <T> BlockingQuery.Listener<T> storingInto(Map<String, T> state) {
    return new BlockingQuery.Listener<>() {
      @Override
      public void onValue(String what, T value, BigInteger index) {
        state.put(what, value);
        changed(what, index);
      }

      @Override
      public void onFailure(String what, String reason) {
        failed(what, reason);
      }
    };
  }

  private void changed(String what, BigInteger index) {
    indexes.put(what, index);
    boolean wasFailing = failing.remove(what) != null;
    for (String q : queries.keySet()) {
      if (!indexes.containsKey(q)) {
        return; // an update waits for every query's first answer (not a failover datacenter's)
      }
    }
    deliver();
    if (wasFailing && !failing.isEmpty()) {
      reportFailure();
    }
  }

  private void failed(String what, String reason) {
    String before = failing.put(what, reason);
    if (!reason.equals(before)) {
      reportFailure();
    }
  }

  private void reportFailure() {
    ConfigSink s = sink;
    if (s != null && !failing.isEmpty()) {
      Map.Entry<String, String> first = failing.entrySet().iterator().next();
      s.sourceFailed(name, "agent " + settings.address() + " unreachable or failing (" + failing.size()
          + " queries; " + first.getKey() + ": " + first.getValue() + "); last good endpoints stay, reconnecting with backoff");
    }
  }

  private void deliver() {
    List<ConfigProblem> problems = new ArrayList<>();
    List<MeshResource> resources = new ArrayList<>();
    ConfigEntries.Translation translation = settings.configEntries()
        ? entriesLastGood.translate(entries, settings.allServices() ? settings.withServices(watched) : settings, problems)
        : ConfigEntries.Translation.EMPTY;
    watchFailovers(translation.failovers());
    for (Map.Entry<String, List<ConsulInstance>> e : instances.entrySet()) {
      List<FailoverLevel> failover = translation.failovers().getOrDefault(e.getKey(), List.of());
      resources.add(ServiceEntries.of(e.getKey(), levels(e.getKey(), e.getValue(), failover), settings.hosts(e.getKey()),
          settings.meshNamespace(), settings.servicePort(), new ResourceOrigin(name, "/v1/health/service/" + e.getKey())));
    }
    resources.addAll(translation.resources());
    StringBuilder version = new StringBuilder();
    for (Map.Entry<String, BigInteger> e : indexes.entrySet()) {
      version.append(version.length() == 0 ? "" : ",").append(e.getKey()).append('@').append(e.getValue());
    }
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, List<ConsulInstance>> e : instances.entrySet()) {
      lines.add(e.getKey() + " index " + indexes.get(e.getKey()) + ": " + e.getValue().stream()
          .map(i -> i.address() + ":" + i.port()).toList());
    }
    for (Map.Entry<String, List<ConsulInstance>> e : failoverInstances.entrySet()) {
      lines.add(e.getKey() + " (failover) index " + indexes.get(e.getKey()) + ": " + e.getValue().stream()
          .map(i -> i.address() + ":" + i.port()).toList());
    }
    for (Map.Entry<String, List<JsonNode>> e : entries.entrySet()) {
      lines.add(e.getKey() + " index " + indexes.get(e.getKey()) + ": " + e.getValue().size() + " entries");
    }
    dump = List.copyOf(lines);
    ConfigSink s = sink;
    if (s != null) {
      s.accept(new SourceUpdate(name, version.toString(), MeshConfig.of(resources), problems));
    }
  }

  @Override
  public List<String> configDump() {
    return dump;
  }

  @Override
  public synchronized void close() {
    for (BlockingQuery<?> q : queries.values()) {
      q.close();
    }
    for (BlockingQuery<?> q : failoverQueries.values()) {
      q.close();
    }
    if (givenExecutor == null && executor != null) {
      executor.shutdownNow();
    }
    if (consul != null) {
      consul.destroy();
    }
    if (http != null) {
      http.dispatcher().executorService().shutdownNow();
      http.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return name + (settings.allServices() ? "[all services]" : settings.services());
  }

  /** Builds a {@link ConsulSource}; {@link #services} is required. */
  public static final class Builder {
    private URI address = DEFAULT_ADDRESS;
    private @Nullable String token;
    private @Nullable String datacenter;
    private @Nullable String consulNamespace;
    private @Nullable String meshNamespace;
    private final List<String> services = new ArrayList<>();
    private boolean allServices;
    private List<HostForm> hostForms = List.of(HostForm.CONSUL);
    private int servicePort = DEFAULT_SERVICE_PORT;
    private boolean passingOnly = true;
    private boolean configEntries;
    private Duration wait = DEFAULT_WAIT;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private RandomGenerator random = new java.util.Random();
    private @Nullable ScheduledExecutorService executor;

    private Builder() {}

    /** The agent's HTTP API, {@code http://127.0.0.1:8500} by default ({@code https://} for TLS). */
    public Builder address(URI address) {
      requireNonNull(address, "address");
      if (address.getScheme() == null || !address.getScheme().matches("https?") || address.getHost() == null) {
        throw new IllegalArgumentException("address: " + address + " (expected: http://host:port or https://host:port)");
      }
      this.address = address;
      return this;
    }

    /** The ACL token sent with every request ({@code X-Consul-Token}); none by default. */
    public Builder token(String token) {
      this.token = requireNonNull(token, "token");
      return this;
    }

    /** The datacenter to read ({@code dc}); the agent's own by default. */
    public Builder datacenter(String datacenter) {
      this.datacenter = requireNonNull(datacenter, "datacenter");
      return this;
    }

    /**
     * The Consul Enterprise namespace to read ({@code ns}); by default the token's. It is also the mesh
     * namespace of the resources unless {@link #meshNamespace} is given.
     */
    public Builder namespace(String namespace) {
      this.consulNamespace = requireNonNull(namespace, "namespace");
      return this;
    }

    /** The mesh namespace the resources are put in (and the Kubernetes host form uses); {@code default} by default. */
    public Builder meshNamespace(String namespace) {
      this.meshNamespace = requireNonNull(namespace, "namespace");
      return this;
    }

    /** The Consul services to watch, by name. At least one is required. */
    public Builder services(String... names) {
      return services(List.of(names));
    }

    public Builder services(List<String> names) {
      for (String n : names) {
        requireNonNull(n, "service");
        String why = n.indexOf('.') >= 0 ? "'" + n + "' (expected: a Consul service name, without dots)" : HostNames.problem(n);
        if (why != null) {
          throw new IllegalArgumentException("services: " + why);
        }
        if (!services.contains(n)) {
          services.add(n);
        }
      }
      return this;
    }

    /**
     * Watch every service in the catalog ({@code /v1/catalog/services}, itself a blocking query):
     * services that register are watched from their first appearance, services that leave are
     * dropped. Names that are not DNS labels (dots, underscores) are skipped.
     */
    public Builder allServices() {
      this.allServices = true;
      return this;
    }

    /** The host forms each service is known by in the mesh, the first for route destinations; {@link HostForm#CONSUL} by default. */
    public Builder hostForms(HostForm... forms) {
      if (forms.length == 0) {
        throw new IllegalArgumentException("hostForms: none (expected: CONSUL, KUBERNETES or both)");
      }
      this.hostForms = List.of(forms).stream().distinct().toList();
      return this;
    }

    /** The port number of each service's mesh port; {@value #DEFAULT_SERVICE_PORT} by default. */
    public Builder servicePort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("servicePort: " + port + " (expected: 1..65535)");
      }
      this.servicePort = port;
      return this;
    }

    /**
     * Whether only instances whose checks all pass are endpoints ({@code true}, the default); with
     * {@code false}, instances in {@code warning} are too (never {@code critical} ones).
     */
    public Builder passingOnly(boolean passingOnly) {
      this.passingOnly = passingOnly;
      return this;
    }

    /** Whether to read the L7 config entries ({@code service-resolver}, {@code service-splitter}, {@code service-router}); off by default. */
    public Builder configEntries(boolean read) {
      this.configEntries = read;
      return this;
    }

    /** How long the agent may hold a blocking query ({@code wait}); {@code 5m} by default, at most {@code 10m} (Consul's limit). */
    public Builder blockingWait(Duration wait) {
      if (wait.compareTo(Duration.ofSeconds(1)) < 0 || wait.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("wait: " + wait + " (expected: 1s..10m)");
      }
      this.wait = wait;
      return this;
    }

    /** The backoff after the first failure and its cap; jittered, doubling per consecutive failure. */
    public Builder backoff(Duration initial, Duration max) {
      if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("backoff: " + initial + ", " + max + " (expected: 0 < initial <= max)");
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** The random source of the backoff jitter; seed one in tests. */
    public Builder random(RandomGenerator random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    /** The single-threaded executor the source runs on; it makes (and owns) one by default. */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    public ConsulSource build() {
      if (services.isEmpty() && !allServices) {
        throw new IllegalStateException("services: none (expected: the Consul services to watch, e.g. reviews, or allServices())");
      }
      if (!services.isEmpty() && allServices) {
        throw new IllegalStateException("services: " + services + " and allServices() given (expected: one of them)");
      }
      return new ConsulSource(this);
    }
  }
}
