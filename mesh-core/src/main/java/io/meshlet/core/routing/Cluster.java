package io.meshlet.core.routing;

import io.meshlet.core.config.ClusterName;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.lb.LoadBalancer;
import io.meshlet.core.lb.LocalityLevels;
import io.meshlet.core.lb.LocalityPlan;
import io.meshlet.core.model.CircuitBreakerPolicy;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.ConnectionPoolSettings;
import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.OutlierDetection;
import io.meshlet.core.model.RetryBudget;
import io.meshlet.core.resilience.ClusterPolicy;
import io.meshlet.core.resilience.MeshTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The endpoints of one service port and subset, with their load balancer. Named as Istio names its
 * clusters ({@link ClusterName}): {@code outbound|9080|v1|reviews.default.svc.cluster.local}. A passthrough cluster (a
 * ServiceEntry with {@code resolution: NONE}, or {@code simple: PASSTHROUGH}) has no endpoints: the
 * call goes to the address the caller asked for.
 */
public final class Cluster {
  private final String name;
  private final String host;
  private final int port;
  private final @Nullable String subset;
  private final Map<String, String> subsetLabels;
  private final LoadBalancerSettings settings;
  private final @Nullable LoadBalancer loadBalancer;
  private final @Nullable LocalityLevels levels;
  private final @Nullable LocalityPlan localityPlan;
  private final HashPolicy hashPolicy;
  private final ClusterPolicy policy;
  private final @Nullable ClientTlsSettings tls;
  private final MeshTime time;

  Cluster(
      String host,
      int port,
      @Nullable String subset,
      Map<String, String> subsetLabels,
      LoadBalancerSettings settings,
      @Nullable LoadBalancer loadBalancer,
      @Nullable LocalityPlan localityPlan,
      @Nullable LocalityLevels levels,
      HashPolicy hashPolicy,
      ClusterPolicy policy,
      @Nullable ClientTlsSettings tls,
      MeshTime time) {
    this.name = ClusterName.format(host, port, subset);
    this.host = host;
    this.port = port;
    this.subset = subset;
    this.subsetLabels = Map.copyOf(subsetLabels);
    this.settings = settings;
    this.loadBalancer = loadBalancer;
    this.localityPlan = localityPlan;
    this.levels = levels;
    this.hashPolicy = hashPolicy;
    this.policy = policy;
    this.tls = tls;
    this.time = time;
  }

  /**
   * True if this cluster would be compiled again identically: same policy, same subset labels and
   * the very same endpoint instances in the same order. The compiler then keeps this instance, so a
   * config push that does not touch a cluster keeps its round-robin position and counters.
   */
  boolean unchanged(
      LoadBalancerSettings otherSettings, Map<String, String> otherLabels, List<Endpoint> otherEndpoints, boolean passthrough,
      @Nullable ConnectionPoolSettings pool, @Nullable OutlierDetection outlier, @Nullable RetryBudget budget,
      @Nullable CircuitBreakerPolicy breaker, @Nullable ClientTlsSettings otherTls) {
    if (!settings.equals(otherSettings) || !Objects.equals(tls, otherTls) || !subsetLabels.equals(otherLabels) || isPassthrough() != passthrough
        || !policy.sameConfig(pool, outlier, budget, breaker)) {
      return false;
    }
    List<Endpoint> mine = endpoints();
    if (mine.size() != otherEndpoints.size()) {
      return false;
    }
    for (int i = 0; i < mine.size(); i++) {
      if (mine.get(i) != otherEndpoints.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** Picks an endpoint for {@code req}; null when the cluster has none (or is a passthrough). */
  public @Nullable Endpoint pick(RequestView req, RandomGenerator random) {
    return pick(req, random, null);
  }

  /**
   * Picks an endpoint for {@code req} that is not ejected (unless the cluster is in panic) and, if
   * the cluster has another, is not {@code avoid} (the endpoint a retry follows). The balancer's
   * own pick is tried a few times; then the endpoints are scanned from a random start. Null when no
   * endpoint qualifies.
   */
  public @Nullable Endpoint pick(RequestView req, RandomGenerator random, @Nullable Endpoint avoid) {
    LoadBalancer whole = loadBalancer;
    if (whole == null) {
      return null;
    }
    long hash = hashPolicy.hash(req);
    long now = time.nanoTime();
    boolean checkHealth = policy.honoursEjections(now);
    LocalityLevels lv = levels;
    if (lv == null) {
      return pick(whole, whole.endpoints(), hash, random, avoid, now, checkHealth);
    }
    // The priority level (and locality) by health first, then the usual pick within it; the whole
    // cluster only if that level has nothing but the endpoint to avoid (or raced into full ejection).
    LoadBalancer chosen = lv.select(hash, random, now, checkHealth);
    Endpoint e = pick(chosen, whole.endpoints(), hash, random, avoid, now, checkHealth);
    if (e == null || e == avoid) {
      Endpoint other = pick(whole, whole.endpoints(), hash, random, avoid, now, checkHealth);
      return other != null ? other : e;
    }
    return e;
  }

  private @Nullable Endpoint pick(
      LoadBalancer lb, List<Endpoint> cluster, long hash, RandomGenerator random, @Nullable Endpoint avoid, long now, boolean checkHealth) {
    Endpoint first = lb.pick(hash, random);
    if (first == null) {
      return null;
    }
    if (first != avoid && !(checkHealth && first.health().isEjected(now))) {
      return first;
    }
    List<Endpoint> all = lb.endpoints();
    boolean panic = checkHealth && policy.panic(now, cluster);
    if (panic && first != avoid) {
      return first; // in panic every endpoint takes traffic: keep the balancer's choice (and hash stickiness)
    }
    for (int i = 0; i < 3; i++) {
      Endpoint e = lb.pick(hash == LoadBalancer.NO_HASH ? hash : hash + i + 1, random);
      if (e != null && e != avoid && (panic || !checkHealth || !e.health().isEjected(now))) {
        return e;
      }
    }
    int n = all.size();
    int start = random.nextInt(n);
    Endpoint fallback = null;
    for (int i = 0; i < n; i++) {
      Endpoint e = all.get((start + i) % n);
      if (panic || !checkHealth || !e.health().isEjected(now)) {
        if (e != avoid) {
          return e;
        }
        fallback = e;
      }
    }
    return fallback;
  }

  /**
   * How locality load balancing shapes this cluster, for explain: why (the plan), each priority
   * level's localities, health and share of traffic now, and where {@code picked} is. Null when
   * there is one level and localities are not weighted (locality then changes nothing).
   */
  public @Nullable String describeLocality(@Nullable Endpoint picked) {
    LocalityLevels lv = levels;
    if (lv == null) {
      return null;
    }
    long now = time.nanoTime();
    return lv.describe(picked, now, policy.honoursEjections(now));
  }

  /** Why locality load balancing does what it does for this cluster ({@link LocalityPlan#why()}); null for a passthrough. */
  public @Nullable String localityPlan() {
    LocalityPlan plan = localityPlan;
    return plan == null ? null : plan.why();
  }

  /** The percentage of traffic each priority level takes now ({@code [100]} with one level). */
  public int[] priorityLoads() {
    LocalityLevels lv = levels;
    if (lv == null) {
      return new int[] {100};
    }
    long now = time.nanoTime();
    return lv.loads(now, policy.honoursEjections(now));
  }

  /**
   * How calls to this cluster are secured ({@code DestinationRule trafficPolicy.tls}, resolved for
   * this port and subset as the other per-port settings are); null or {@code DISABLE}: plaintext.
   */
  public @Nullable ClientTlsSettings tls() {
    return tls;
  }

  /** The cluster's live limits: pool, retry budget, outlier detection. */
  public ClusterPolicy clusterPolicy() {
    return policy;
  }

  /** The endpoints ejected now. */
  public List<Endpoint> ejected() {
    long now = time.nanoTime();
    List<Endpoint> out = new java.util.ArrayList<>();
    for (Endpoint e : endpoints()) {
      if (e.health().isEjected(now)) {
        out.add(e);
      }
    }
    return out;
  }

  /** True if the cluster is in panic now (too few healthy endpoints: ejections are ignored). */
  public boolean inPanic() {
    return policy.panic(time.nanoTime(), endpoints());
  }

  public boolean isPassthrough() {
    return loadBalancer == null;
  }

  public String name() {
    return name;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public @Nullable String subset() {
    return subset;
  }

  public Map<String, String> subsetLabels() {
    return subsetLabels;
  }

  public List<Endpoint> endpoints() {
    LoadBalancer lb = loadBalancer;
    return lb == null ? List.of() : lb.endpoints();
  }

  /** {@code ROUND_ROBIN}, {@code LEAST_REQUEST}, ... or {@code PASSTHROUGH}. */
  public String policy() {
    LoadBalancer lb = loadBalancer;
    return lb == null ? "PASSTHROUGH" : lb.policy();
  }

  /** True if the load balancer picks by a consistent hash of the request. */
  public boolean hashes() {
    return loadBalancer != null && settings.consistentHash() != null;
  }

  /** What the consistent hash of {@code req} is computed from, for explain. */
  public String describeHashKey(RequestView req) {
    return hashPolicy.describe(req);
  }

  /** {@code no endpoint for reviews.default.svc.cluster.local subset v2}: what a failed pick means. */
  public String noEndpointMessage() {
    return "no endpoint for " + host + (subset != null ? " subset " + subset : "") + " port " + port;
  }

  @Override
  public String toString() {
    return name + " (" + policy() + ", " + endpoints().size() + " endpoints)";
  }
}
