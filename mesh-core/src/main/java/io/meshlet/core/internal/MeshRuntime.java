package io.meshlet.core.internal;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.model.CompileFailure;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.Workload;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.routing.RouteTableCompiler;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.core.security.JwksFetcher;
import io.meshlet.core.security.JwtKeys;
import io.meshlet.core.snapshot.MeshSnapshot;
import io.meshlet.core.snapshot.Rejection;
import io.meshlet.core.snapshot.SourceStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control loop. Sources deliver updates from any thread; each is applied on the single control
 * executor: validated across sources, merged, compiled, and published through one volatile
 * reference, or rejected whole with the last good state kept. The request path only reads {@link
 * #state()}.
 */
public final class MeshRuntime implements ConfigSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MeshRuntime.class);

  private final Workload workload;
  private final List<ConfigSource> sources;
  private final ScheduledExecutorService control;
  private final Clock clock;
  private final MeshTime time;
  private final String rootNamespace;
  private final int numTrustedProxies;
  private final List<RuntimeListener> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  // Control thread only.
  private final Map<String, SourceUpdate> accepted = new LinkedHashMap<>();
  private final Map<String, SourceStatus> statuses = new LinkedHashMap<>();
  private long version;

  private volatile MeshState state;
  /** The remote JSON Web Key Sets of RequestAuthentications, kept across snapshots. */
  private final JwtKeys jwtKeys;
  private volatile @Nullable Rejection lastRejection;
  private volatile List<SourceStatus> sourceStatuses = List.of();

  public MeshRuntime(
      Workload workload, List<ConfigSource> sources, ScheduledExecutorService control, Clock clock, MeshTime time) {
    this(workload, sources, control, clock, time, InboundPolicies.DEFAULT_ROOT_NAMESPACE);
  }

  /**
   * @param rootNamespace where security policies without a selector cover the whole mesh (Istio's
   *     {@code meshConfig.rootNamespace})
   */
  public MeshRuntime(Workload workload, List<ConfigSource> sources, ScheduledExecutorService control, Clock clock,
      MeshTime time, String rootNamespace) {
    this(workload, sources, control, clock, time, rootNamespace, 0);
  }

  /**
   * @param rootNamespace where security policies without a selector cover the whole mesh (Istio's
   *     {@code meshConfig.rootNamespace})
   * @param numTrustedProxies proxies in front of this workload that append to X-Forwarded-For, for
   *     {@code remoteIpBlocks} (Istio's {@code gatewayTopology.numTrustedProxies})
   */
  public MeshRuntime(Workload workload, List<ConfigSource> sources, ScheduledExecutorService control, Clock clock,
      MeshTime time, String rootNamespace, int numTrustedProxies) {
    this.rootNamespace = rootNamespace;
    this.numTrustedProxies = numTrustedProxies;
    this.workload = workload;
    this.sources = List.copyOf(sources);
    this.control = control;
    this.clock = clock;
    this.time = time;
    this.jwtKeys = new JwtKeys(clock, time, JwksFetcher.http());
    this.state = new MeshState(new MeshSnapshot(0, clock.instant(), MeshConfig.EMPTY, List.of(), List.of()), RouteTable.EMPTY, InboundPolicies.NONE);
    for (ConfigSource s : this.sources) {
      statuses.put(s.name(), new SourceStatus(s.name(), SourceStatus.State.WAITING, null, clock.instant(), null));
    }
    sourceStatuses = List.copyOf(statuses.values());
  }

  /**
   * Starts every source and waits until each has delivered an accepted update.
   *
   * @throws StartupFailure when that does not happen within {@code timeout}, a source's first update
   *     is rejected or a source fails, saying which and why
   */
  public void start(Duration timeout) throws StartupFailure {
    startSources();
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new StartupFailure("no valid config within " + timeout + "; sources: " + sourceStatuses);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StartupFailure sf ? sf : new StartupFailure(e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupFailure("interrupted while waiting for the first config");
    }
  }

  /** Starts every source without waiting for their first updates; {@link #hasFirstConfig()} tells when they are in. */
  public void startSources() {
    for (ConfigSource source : sources) {
      source.start(this);
    }
    if (sources.isEmpty()) {
      control.execute(this::publishEmpty);
    }
  }

  /** Whether every source has had an update accepted (with no sources: the empty config is published). */
  public boolean hasFirstConfig() {
    if (sources.isEmpty()) {
      return state.snapshot().version() > 0;
    }
    for (SourceStatus s : sourceStatuses) {
      if (s.version() == null) {
        return false;
      }
    }
    return true;
  }

  public MeshState state() {
    return state;
  }

  public @Nullable Rejection lastRejection() {
    return lastRejection;
  }

  public List<SourceStatus> sourceStatuses() {
    return sourceStatuses;
  }

  public void addListener(RuntimeListener listener) {
    listeners.add(listener);
  }

  public void removeListener(RuntimeListener listener) {
    listeners.remove(listener);
  }

  @Override
  public void accept(SourceUpdate update) {
    control.execute(() -> applyGuarded(update));
  }

  @Override
  public void sourceFailed(String source, String reason) {
    control.execute(() -> fail(source, reason));
  }

  @Override
  public void event(io.meshlet.core.config.SourceEvent event) {
    control.execute(() -> {
      for (RuntimeListener l : listeners) {
        try {
          l.onSourceEvent(event);
        } catch (Throwable e) {
          log.warn("listener {} failed on {}", l, event, e);
        }
      }
    });
  }

  // ---- control thread ---------------------------------------------------------------------------

  private void publishEmpty() {
    publish(MeshConfig.EMPTY, RouteTableCompiler.compile(version + 1, MeshConfig.EMPTY, workload, rootNamespace, state.routes(), time),
        InboundPolicies.NONE);
  }

  /**
   * The one guard of the control loop: whatever applying throws, {@link Error}s included, rejects the
   * update (naming the resource when a compiler says which), the last good state stays and the control
   * thread lives on.
   */
  private void applyGuarded(SourceUpdate update) {
    try {
      apply(update);
    } catch (Throwable e) {
      log.error("applying update {} from {} failed; last good config stays in force", update.version(), update.source(), e);
      ConfigProblem problem = e instanceof CompileFailure f
          ? ConfigProblem.of(f, update.source())
          : ConfigProblem.error(null, null, update.source(), "", "cannot be applied: " + e);
      try {
        reject(update, List.of(problem));
      } catch (Throwable again) {
        log.error("rejecting update {} from {} failed too", update.version(), update.source(), again);
      }
    }
  }

  private void apply(SourceUpdate update) {
    List<ConfigProblem> errors = new ArrayList<>(update.errors());
    Map<String, SourceUpdate> candidate = new LinkedHashMap<>(accepted);
    candidate.put(update.source(), update);
    MeshConfig merged = errors.isEmpty() ? merge(candidate, errors) : null;
    if (!errors.isEmpty()) {
      reject(update, errors);
      return;
    }
    // A failure here is thrown to applyGuarded, which rejects the update: nothing has been recorded yet.
    RouteTableCompiler.Result compiled = RouteTableCompiler.compile(version + 1, merged, workload, rootNamespace, state.routes(), time);
    InboundPolicies inbound = InboundPolicies.compile(merged, workload, rootNamespace, numTrustedProxies, jwtKeys);
    // Only now does the update count as accepted: a failure above leaves no trace but the rejection.
    accepted.put(update.source(), update);
    setStatus(update.source(), SourceStatus.State.ACTIVE, update.version(), null);
    for (ConfigProblem w : update.warnings()) {
      log.warn("{}", w);
    }
    publish(merged, compiled, inbound);
  }

  private void publish(MeshConfig merged, RouteTableCompiler.Result compiled, InboundPolicies inbound) {
    long next = compiled.table().version();
    List<ConfigProblem> warnings = new ArrayList<>();
    for (SourceUpdate u : accepted.values()) {
      warnings.addAll(u.warnings());
    }
    warnings.addAll(compiled.warnings());
    for (ConfigProblem w : compiled.warnings()) {
      if (!state.snapshot().warnings().contains(w)) {
        log.warn("{}", w);
      }
    }
    version = next;
    MeshSnapshot snapshot = new MeshSnapshot(next, clock.instant(), merged, List.copyOf(statuses.values()), warnings);
    state = new MeshState(snapshot, compiled.table(), inbound);
    log.info("mesh config version {} in force: {} resources from {}", next, merged.size(), accepted.keySet());
    for (RuntimeListener l : listeners) {
      try {
        l.onSnapshot(snapshot);
      } catch (Throwable e) { // a listener's Error must not turn a published update into a rejection
        log.warn("listener {} failed on snapshot {}", l, next, e);
      }
    }
    if (accepted.size() == sources.size() || sources.isEmpty()) {
      ready.complete(null);
    }
  }

  private void reject(SourceUpdate update, List<ConfigProblem> errors) {
    Rejection rejection = new Rejection(update.source(), update.version(), clock.instant(), version, errors);
    lastRejection = rejection;
    setStatus(update.source(), SourceStatus.State.REJECTED, versionOf(update.source()), errors.size() + " errors, first: " + errors.get(0));
    log.warn("{}", rejection);
    for (RuntimeListener l : listeners) {
      try {
        l.onRejection(rejection);
      } catch (Throwable e) {
        log.warn("listener {} failed on rejection", l, e);
      }
    }
    if (!ready.isDone() && !accepted.containsKey(update.source())) {
      ready.completeExceptionally(new StartupFailure("the first config from " + update.source() + " is invalid:\n" + rejection));
    }
  }

  private void fail(String source, String reason) {
    setStatus(source, SourceStatus.State.FAILED, versionOf(source), reason);
    log.warn("config source {} failed: {} (its last good config stays in force)", source, reason);
    if (!ready.isDone() && !accepted.containsKey(source)) {
      ready.completeExceptionally(new StartupFailure("config source " + source + " failed: " + reason));
    }
  }

  private @Nullable String versionOf(String source) {
    SourceUpdate u = accepted.get(source);
    return u == null ? null : u.version();
  }

  private void setStatus(String source, SourceStatus.State s, @Nullable String version, @Nullable String message) {
    statuses.put(source, new SourceStatus(source, s, version, clock.instant(), message));
    sourceStatuses = List.copyOf(statuses.values());
  }

  /** Merges every source's resources; the same resource from two sources is an error of the update. */
  private static MeshConfig merge(Map<String, SourceUpdate> updates, List<ConfigProblem> errors) {
    List<MeshResource> all = new ArrayList<>();
    Map<ResourceId, MeshResource> seen = new HashMap<>();
    for (SourceUpdate u : updates.values()) {
      for (MeshResource r : u.config().all()) {
        MeshResource first = seen.putIfAbsent(r.id(), r);
        if (first != null) {
          errors.add(ConfigProblem.error(r.id(), r.origin().location(), "",
              "also defined in " + first.origin().location() + " by source " + first.origin().source()
                  + " (a resource may come from one source only)"));
        }
        all.add(r);
      }
    }
    return MeshConfig.of(all);
  }

  @Override
  public void close() {
    for (ConfigSource s : sources) {
      try {
        s.close();
      } catch (RuntimeException e) {
        log.warn("closing config source {} failed", s.name(), e);
      }
    }
  }
}
