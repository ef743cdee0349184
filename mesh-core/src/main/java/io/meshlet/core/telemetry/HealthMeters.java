package io.meshlet.core.telemetry;

import io.meshlet.core.config.SourceEvent;
import io.meshlet.core.pipeline.CallListener;
import io.meshlet.core.pipeline.Mirrors;
import io.meshlet.core.pipeline.OutboundEvent;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.security.DryRunCount;
import io.meshlet.core.security.InboundPolicies;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The health meters that count events rather than read state (docs/telemetry.md, "Health of the
 * mesh"): xDS responses ACKed and NACKed per source and resource type and whether each source's
 * stream is up; calls and retries a cluster's limits refused; mirror copies sent, dropped and
 * unroutable; would-be decisions of AuthorizationPolicies in dry-run. Every meter it registers is
 * in {@link #meters()}, for the mesh to remove when it closes.
 */
final class HealthMeters implements CallListener {
  private final MeterRegistry registry;
  private final List<Meter> meters;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> connected = new ConcurrentHashMap<>();
  private final DryRunTotals dryRun;

  HealthMeters(MeterRegistry registry, List<Meter> meters, Mirrors mirrors, Supplier<InboundPolicies> inbound) {
    this.registry = registry;
    this.meters = meters;
    this.dryRun = new DryRunTotals(inbound);
    meters.add(FunctionCounter.builder("meshlet.mirror.requests", mirrors, Mirrors::started).tag("result", "sent")
        .description("Mirror copies handed to the client to send, fire and forget (those it then skipped count under skipped too)").register(registry));
    meters.add(FunctionCounter.builder("meshlet.mirror.requests", mirrors, Mirrors::overflowed).tag("result", "overflow")
        .description("Mirror copies not sent: the in-flight bound was reached").register(registry));
    meters.add(FunctionCounter.builder("meshlet.mirror.requests", mirrors, Mirrors::skippedTotal).tag("result", "skipped")
        .description("Mirror copies the client could not make (a body that cannot be read twice)").register(registry));
    meters.add(FunctionCounter.builder("meshlet.mirror.requests", mirrors, Mirrors::unroutable).tag("result", "unroutable")
        .description("Mirror copies not sent: the mirror destination has no cluster or endpoint").register(registry));
    for (String engine : List.of(DryRunCount.ALLOW_ENGINE, DryRunCount.DENY_ENGINE)) {
      for (boolean allowed : new boolean[] {true, false}) {
        String name = engine.substring(0, engine.length() - 1);
        meters.add(FunctionCounter.builder("meshlet.authz.dry.run", dryRun, d -> d.total(engine, allowed))
            .tag("engine", name).tag("result", allowed ? "allowed" : "denied")
            .description("Would-be decisions of AuthorizationPolicies in dry-run (never enforced), per shadow engine")
            .register(registry));
      }
    }
  }

  /** A source's protocol event: an ACK or NACK counted, a stream's state set. */
  void sourceEvent(SourceEvent e) {
    switch (e.kind()) {
      case ACK, NACK -> counter("meshlet.xds.responses", "xDS responses per resource type, ACKed or NACKed",
          "source", e.source(), "type", e.resourceType(), "result", e.kind().name().toLowerCase(Locale.ROOT)).increment();
      case CONNECTED, DISCONNECTED -> streamState(e.source()).set(e.kind() == SourceEvent.Kind.CONNECTED ? 1 : 0);
      default -> { }
    }
  }

  /** Snapshot changes: the dry-run counts of the policies that go out of force are kept. */
  void snapshotChanged() {
    dryRun.roll();
  }

  @Override
  public void onCallEnd(OutboundEvent call) {
    OutboundEvent.Overflow o = call.overflow();
    if (o != OutboundEvent.Overflow.NONE) {
      Cluster c = call.cluster();
      counter("meshlet.upstream.overflows", "Calls (circuit_breaker, connection_pool) or retries (retry_budget) a cluster's limits refused",
          "cluster", c == null ? "unknown" : c.name(), "limit", o.name().toLowerCase(Locale.ROOT)).increment();
    }
  }

  private AtomicInteger streamState(String source) {
    return connected.computeIfAbsent(source, s -> {
      AtomicInteger state = new AtomicInteger();
      meters.add(Gauge.builder("meshlet.xds.connected", state, AtomicInteger::get).tag("source", s)
          .description("1 while the source's xDS stream is up, 0 while it reconnects").strongReference(true)
          .register(registry));
      return state;
    });
  }

  /** The counter of {@code name} with these tags ({@code key, value, ...}), registered on first use. */
  private Counter counter(String name, String description, String... tags) {
    String key = name + '|' + String.join("|", tags);
    Counter c = counters.get(key);
    if (c == null) {
      c = counters.computeIfAbsent(key, k -> {
        Counter made = Counter.builder(name).tags(tags).description(description).register(registry);
        meters.add(made);
        return made;
      });
    }
    return c;
  }

  /**
   * Dry-run counts that only grow: the policies in force count since their snapshot was compiled, so
   * the counts of each snapshot going out of force are added to a base. A call still being checked
   * by the old policies at that moment may go uncounted.
   */
  static final class DryRunTotals {
    private final Supplier<InboundPolicies> inbound;
    private final Map<String, Long> base = new ConcurrentHashMap<>();
    private volatile InboundPolicies counted;

    DryRunTotals(Supplier<InboundPolicies> inbound) {
      this.inbound = inbound;
      this.counted = inbound.get();
    }

    synchronized void roll() {
      InboundPolicies now = inbound.get();
      if (now == counted) {
        return;
      }
      for (DryRunCount c : counted.dryRunCounts()) {
        base.merge(key(c.engine(), c.allowed()), c.count(), Long::sum);
      }
      counted = now;
    }

    double total(String engine, boolean allowed) {
      roll(); // a scrape may come before the new snapshot's listener ran: count the policies in force now
      long n = base.getOrDefault(key(engine, allowed), 0L);
      for (DryRunCount c : counted.dryRunCounts()) {
        if (c.engine().equals(engine) && c.allowed() == allowed) {
          n += c.count();
        }
      }
      return n;
    }

    private static String key(String engine, boolean allowed) {
      return engine + allowed;
    }
  }
}
