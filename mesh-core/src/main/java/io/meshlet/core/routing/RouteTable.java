package io.meshlet.core.routing;

import io.meshlet.core.model.Sidecar;
import io.meshlet.core.resilience.LocalRateLimit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The compiled routes of one snapshot. {@link #lookup} is a hash-map read for every name a caller
 * may use for a service ({@code reviews}, {@code reviews.default}, {@code reviews.default.svc},
 * the FQDN), then, only if that misses, a scan of the wildcard hosts, most specific first.
 */
public final class RouteTable {
  public static final RouteTable EMPTY = new RouteTable(0, Map.of(), new String[0], new ServiceRoutes[0], Map.of(), Map.of(), List.of(), null, null);

  private final long version;
  private final Map<String, ServiceRoutes> byName;
  private final String[] wildcardSuffixes;
  private final ServiceRoutes[] wildcardRoutes;
  private final Map<String, Cluster> clusters;
  private final Map<String, LocalRateLimit> rateLimits;
  private final List<LocalRateLimit> inboundRateLimits;
  private final @Nullable ServiceRoutes inboundService;
  private final boolean inboundCors;
  private final @Nullable Sidecar sidecar;

  RouteTable(
      long version,
      Map<String, ServiceRoutes> byName,
      String[] wildcardSuffixes,
      ServiceRoutes[] wildcardRoutes,
      Map<String, Cluster> clusters,
      Map<String, LocalRateLimit> rateLimits,
      List<LocalRateLimit> inboundRateLimits,
      @Nullable ServiceRoutes inboundService,
      @Nullable Sidecar sidecar) {
    this.inboundService = inboundService;
    this.sidecar = sidecar;
    boolean cors = false;
    if (inboundService != null) {
      for (CompiledRoute r : inboundService.routes()) {
        cors |= r.cors() != null;
      }
    }
    this.inboundCors = cors;
    this.version = version;
    this.byName = byName;
    this.wildcardSuffixes = wildcardSuffixes;
    this.wildcardRoutes = wildcardRoutes;
    this.clusters = clusters;
    this.rateLimits = rateLimits;
    this.inboundRateLimits = inboundRateLimits;
  }

  /**
   * The workload's Sidecar this table was compiled under ({@link Sidecar#forWorkload}): the services
   * outside its {@code egress} hosts are not in the table; null when none applies.
   */
  public @Nullable Sidecar sidecar() {
    return sidecar;
  }

  /**
   * Whether a host the table does not know is refused: the Sidecar's {@code outboundTrafficPolicy}
   * when it sets one, else {@code meshDefault} (the builder's). The one rule the pipeline and explain use.
   */
  public boolean registryOnly(boolean meshDefault) {
    Sidecar.OutboundMode m = sidecar == null ? null : sidecar.outboundTrafficPolicy();
    return m == null ? meshDefault : m == Sidecar.OutboundMode.REGISTRY_ONLY;
  }

  /** The server-side rate limits that select this workload: every inbound call takes a permission of each. */
  public List<LocalRateLimit> inboundRateLimits() {
    return inboundRateLimits;
  }

  /**
   * The routes of this workload's own service (the host named by its {@code app} label, else its
   * name, in its namespace), whose rules' {@code corsPolicy} the server side applies; null when the
   * mesh does not know the service.
   */
  public @Nullable ServiceRoutes inboundService() {
    return inboundService;
  }

  /** True when a rule of {@link #inboundService()} has a CORS policy: only then does the server side look for one. */
  public boolean inboundCors() {
    return inboundCors;
  }

  /** The local rate limits in force, by the resource that configured each ({@code RateLimit default/reviews}). */
  public Map<String, LocalRateLimit> rateLimits() {
    return rateLimits;
  }

  /** The routes for the host a caller used, or null when the mesh does not know it. */
  public @Nullable ServiceRoutes lookup(String host) {
    ServiceRoutes routes = byName.get(host);
    if (routes != null) {
      return routes;
    }
    for (int i = 0; i < wildcardSuffixes.length; i++) {
      String suffix = wildcardSuffixes[i];
      if (suffix.isEmpty() || (host.endsWith(suffix) && host.length() > suffix.length())) {
        return wildcardRoutes[i];
      }
    }
    return null;
  }

  /** The snapshot version this table was compiled from. */
  public long version() {
    return version;
  }

  public @Nullable Cluster cluster(String name) {
    return clusters.get(name);
  }

  public Collection<Cluster> clusters() {
    return clusters.values();
  }

  /** Every distinct set of routes (one per routed host), for display. */
  public List<ServiceRoutes> services() {
    java.util.LinkedHashSet<ServiceRoutes> all = new java.util.LinkedHashSet<>(byName.values());
    all.addAll(List.of(wildcardRoutes));
    return List.copyOf(all);
  }

  /** Every name {@link #lookup} answers by hash, for display. */
  public Map<String, ServiceRoutes> names() {
    return byName;
  }
}
