package io.meshlet.core.telemetry;

import io.meshlet.core.config.SourceEvent;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.model.Workload;
import io.meshlet.core.pipeline.CallListener;
import io.meshlet.core.pipeline.Mirrors;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.routing.ServiceRoutes;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.core.snapshot.MeshSnapshot;
import io.meshlet.core.snapshot.SourceStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The mesh's own telemetry, as {@code Mesh.Builder} configures it: the listeners (tracing first, so
 * the trace id reaches the others; then metrics; then the access log), the {@code Telemetry}
 * resources in force (compiled once per snapshot), and the mesh's health meters.
 */
public final class MeshTelemetry implements AutoCloseable {
  private final List<CallListener> listeners = new ArrayList<>();
  private final Supplier<MeshSnapshot> snapshot;
  private final Workload workload;
  private final String rootNamespace;
  private final AccessLogSettings accessLogDefault;
  private final @Nullable MeterRegistry registry;
  private final List<Meter> health = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final @Nullable Counter rejections;
  private final @Nullable HealthMeters events;
  private volatile @Nullable MeshSnapshot compiledFor;
  private volatile TelemetrySettings policy = TelemetrySettings.DEFAULT;

  /**
   * @param accessLog the builder's access-log format; null leaves it off unless a {@code Telemetry} resource turns it on
   */
  public MeshTelemetry(@Nullable MeterRegistry registry, @Nullable OpenTelemetry openTelemetry, AccessLog.@Nullable Format accessLog,
      Clock clock, RandomGenerator random, Workload workload, String rootNamespace, Supplier<@Nullable SpiffeId> identity,
      Supplier<MeshSnapshot> snapshot, Supplier<RouteTable> routes, Supplier<@Nullable CertificateProvider> certificates,
      Supplier<List<SourceStatus>> sources, Mirrors mirrors, Supplier<InboundPolicies> inbound) {
    this.snapshot = snapshot;
    this.workload = workload;
    this.rootNamespace = rootNamespace;
    this.registry = registry;
    this.accessLogDefault = accessLog == null ? AccessLogSettings.OFF : new AccessLogSettings(true, accessLog, null);
    if (openTelemetry != null) {
      listeners.add(MeshTracing.create(openTelemetry, () -> policy().effectiveSamplingPercentage(), random));
    }
    if (registry != null) {
      listeners.add(IstioMetrics.create(registry, workload, identity, () -> policy().metrics(), host -> {
        ServiceRoutes s = routes.get().lookup(host);
        return s == null ? null : s.host();
      }));
    }
    events = registry == null ? null : new HealthMeters(registry, health, mirrors, inbound);
    if (events != null) {
      listeners.add(events);
    }
    if (!listeners.isEmpty() || accessLog != null) {
      // With the events built anyway, a Telemetry resource may turn the access log on.
      listeners.add(AccessLog.create(() -> policy().accessLog(accessLogDefault), clock));
    }
    if (registry != null) {
      health.add(Gauge.builder("meshlet.config.version", snapshot, s -> s.get().version())
          .description("Version of the config snapshot in force").strongReference(true).register(registry));
      health.add(Gauge.builder("meshlet.circuit.breakers.open", routes, MeshTelemetry::openBreakers)
          .description("Clusters whose circuit breaker is open").strongReference(true).register(registry));
      health.add(Gauge.builder("meshlet.endpoints.ejected", routes, MeshTelemetry::ejected)
          .description("Endpoints outlier detection has ejected, over all clusters").strongReference(true).register(registry));
      health.add(Gauge.builder("meshlet.certificate.expiry", certificates, c -> expiry(c.get(), clock))
          .baseUnit("seconds").description("Seconds until the workload certificate expires (NaN without one)")
          .strongReference(true).register(registry));
      for (SourceStatus.State state : SourceStatus.State.values()) {
        health.add(Gauge.builder("meshlet.config.sources", sources, s -> count(s.get(), state))
            .tag("state", state.name()).description("Config sources in each state (FAILED: e.g. the xDS stream is down)")
            .strongReference(true).register(registry));
      }
      rejections = Counter.builder("meshlet.config.rejections").description("Config updates the mesh refused")
          .register(registry);
      health.add(rejections);
    } else {
      rejections = null;
    }
  }

  // Gauges hold their state strongly: the suppliers are lambdas nothing else keeps, and Micrometer's
  // default weak reference would turn them into NaN at the next collection. close() removes them.

  /** The listeners to register with the pipeline, in order; empty when no telemetry is configured. */
  public List<CallListener> listeners() {
    return List.copyOf(listeners);
  }

  /** Counts a refused config update ({@code meshlet_config_rejections_total}). */
  public void rejected() {
    if (rejections != null) {
      rejections.increment();
    }
  }

  /** A config source's protocol event: xDS ACK/NACK counts, stream state. */
  public void sourceEvent(SourceEvent event) {
    if (events != null) {
      events.sourceEvent(event);
    }
  }

  /** A new snapshot is in force: counts kept per snapshot (dry-run) are carried over. */
  public void snapshotChanged() {
    if (events != null) {
      events.snapshotChanged();
    }
  }

  /** The {@code Telemetry} resources in force for this workload, compiled once per snapshot. */
  public TelemetrySettings policy() {
    MeshSnapshot s = snapshot.get();
    if (s != compiledFor) {
      policy = TelemetrySettings.compile(s.config(), workload, rootNamespace);
      compiledFor = s;
    }
    return policy;
  }

  private static double count(List<SourceStatus> sources, SourceStatus.State state) {
    int n = 0;
    for (SourceStatus s : sources) {
      if (s.state() == state) {
        n++;
      }
    }
    return n;
  }

  private static double openBreakers(Supplier<RouteTable> routes) {
    int open = 0;
    for (Cluster c : routes.get().clusters()) {
      var b = c.clusterPolicy().breaker();
      if (b != null && b.state().equals("OPEN")) {
        open++;
      }
    }
    return open;
  }

  private static double ejected(Supplier<RouteTable> routes) {
    int n = 0;
    for (Cluster c : routes.get().clusters()) {
      n += c.ejected().size();
    }
    return n;
  }

  private static double expiry(@Nullable CertificateProvider certificates, Clock clock) {
    if (certificates == null) {
      return Double.NaN;
    }
    X509Certificate leaf = certificates.current().leaf();
    return leaf == null ? Double.NaN : (leaf.getNotAfter().getTime() - clock.millis()) / 1000.0;
  }

  @Override
  public void close() {
    if (registry != null) {
      for (Meter m : health) {
        registry.remove(m);
      }
    }
  }
}
