package io.meshlet.core.lb;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.LocalityLbSetting;
import io.meshlet.core.model.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What {@code localityLbSetting} makes of a cluster's endpoints for one caller: each endpoint's
 * priority level (0 highest, numbered without gaps), its locality's weight when localities are
 * weighted, and which endpoints {@code distribute} drops. Computed as istiod computes it for a
 * proxy ({@code ApplyLocalityLoadBalancer}), so that the mesh's own compiler and mesh-control-plane
 * (which serves it as EDS priorities and {@code load_balancing_weight}) decide alike:
 *
 * <ul>
 *   <li>{@code enabled: false}: one level, no weights.
 *   <li>{@code distribute}: the first rule whose {@code from} matches the caller; each {@code to}
 *       pattern in order takes the localities it matches that no earlier pattern took, each getting
 *       {@code ceil(its endpoint weight sum × share / sum over the pattern's localities)}; endpoints
 *       in localities no pattern matches are dropped. One level.
 *   <li>otherwise, only with outlier detection: with {@code failoverPriority} of n labels an
 *       endpoint whose first differing label (from the caller's) is the j-th gets n − j, 0 if none
 *       differs; {@code topology.kubernetes.io/region}, {@code topology.kubernetes.io/zone},
 *       {@code topology.istio.io/subzone} and {@code topology.istio.io/network} default to the
 *       locality and network; {@code key=value} compares with {@code value} instead of the caller.
 *       With {@code failover} too, or without {@code failoverPriority}, by locality: same subzone 0,
 *       same zone 1, same region 2, other region 3, other region while a {@code failover} rule for
 *       the caller's region names another one 4 (combined as {@code labelPriority × 5 + that}).
 * </ul>
 *
 * Endpoints that already carry a priority or locality weight (from EDS: the control plane applied
 * the setting for this caller) keep them. Runs on the control thread.
 */
public final class LocalityPlan {
  /** Envoy's default overprovisioning factor, in percent: a level at 1/1.4 healthy still takes all its traffic. */
  public static final int OVERPROVISIONING_PERCENT = 140;
  public static final String NETWORK_LABEL = "topology.istio.io/network";
  public static final String REGION_LABEL = "topology.kubernetes.io/region";
  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  public static final String SUBZONE_LABEL = "topology.istio.io/subzone";

  private final int[] priorities;
  private final int[] localityWeights;
  private final boolean weighted;
  private final String why;

  private LocalityPlan(int[] priorities, int[] localityWeights, boolean weighted, String why) {
    this.priorities = priorities;
    this.localityWeights = localityWeights;
    this.weighted = weighted;
    this.why = why;
  }

  /**
   * @param outlierDetection whether the cluster has outlier detection (Istio applies failover only then)
   */
  public static LocalityPlan of(
      LocalityLbSetting setting, List<Endpoint> endpoints, Workload caller, boolean outlierDetection) {
    requireNonNull(setting, "setting");
    requireNonNull(caller, "caller");
    int n = endpoints.size();
    int[] priorities = new int[n];
    int[] weights = new int[n];
    boolean fromEds = false;
    boolean edsWeights = false;
    for (int i = 0; i < n; i++) {
      Endpoint e = endpoints.get(i);
      fromEds |= e.priority() >= 0 || e.localityWeight() > 0;
      edsWeights |= e.localityWeight() > 0;
      priorities[i] = Math.max(0, e.priority());
      weights[i] = e.localityWeight();
    }
    if (fromEds) {
      return new LocalityPlan(compact(priorities), weights, edsWeights, "priorities and locality weights from the control plane (EDS)");
    }
    java.util.Arrays.fill(priorities, 0);
    if (!setting.isEnabled()) {
      return new LocalityPlan(priorities, weights, false, "locality load balancing off (localityLbSetting.enabled: false)");
    }
    String[] self = parts(caller.locality());
    if (!setting.distribute().isEmpty()) {
      return distribute(setting, endpoints, self, caller.locality());
    }
    if (!outlierDetection) {
      return new LocalityPlan(priorities, weights, false, "no locality failover: it needs outlierDetection");
    }
    List<String> keys = setting.failoverPriority();
    boolean byLabels = !keys.isEmpty();
    boolean byLocality = !byLabels || !setting.failover().isEmpty();
    if (byLocality && caller.locality().isEmpty() && !byLabels) {
      return new LocalityPlan(priorities, weights, false, "no locality failover: the caller's locality is unknown");
    }
    String failoverTo = null;
    for (LocalityLbSetting.Failover f : setting.failover()) {
      if (f.from().equals(self[0])) {
        failoverTo = f.to();
        break;
      }
    }
    for (int i = 0; i < n; i++) {
      Endpoint e = endpoints.get(i);
      int p = 0;
      if (byLabels) {
        for (int j = 0; j < keys.size(); j++) {
          String key = keys.get(j);
          int eq = key.indexOf('=');
          String name = eq < 0 ? key : key.substring(0, eq);
          String want = eq < 0 ? callerLabel(caller, self, name) : key.substring(eq + 1);
          if (!want.equals(label(e, name))) {
            p = keys.size() - j;
            break;
          }
        }
      }
      if (byLocality) {
        String[] their = parts(e.locality());
        int q = byLocality(self, their);
        if (q == 3 && failoverTo != null && !failoverTo.equals(their[0])) {
          q = 4;
        }
        p = p * 5 + q;
      }
      priorities[i] = p;
    }
    String how = (byLabels ? "failoverPriority " + keys : "")
        + (byLabels && byLocality ? ", then " : "")
        + (byLocality ? "locality (subzone, zone, region" + (failoverTo != null ? ", failover region " + failoverTo : "") + ")" : "");
    return new LocalityPlan(compact(priorities), weights, false,
        "failover by " + how + " from " + (caller.locality().isEmpty() ? "an unknown locality" : caller.locality()));
  }

  private static LocalityPlan distribute(LocalityLbSetting setting, List<Endpoint> endpoints, String[] self, String callerLocality) {
    int n = endpoints.size();
    int[] priorities = new int[n];
    int[] weights = new int[n];
    LocalityLbSetting.Distribute rule = null;
    for (LocalityLbSetting.Distribute d : setting.distribute()) {
      if (matches(self, d.from())) {
        rule = d;
        break;
      }
    }
    if (rule == null) {
      return new LocalityPlan(priorities, weights, false,
          "no distribute rule matches the caller's locality " + (callerLocality.isEmpty() ? "(unknown)" : callerLocality));
    }
    Map<String, Long> sums = new LinkedHashMap<>();
    for (Endpoint e : endpoints) {
      sums.merge(orEmpty(e.locality()), (long) e.weight(), Long::sum);
    }
    Map<String, Integer> localityWeight = new LinkedHashMap<>();
    List<String> shares = new ArrayList<>();
    for (LocalityLbSetting.Weight w : rule.to()) {
      long total = 0;
      List<String> taken = new ArrayList<>();
      for (Map.Entry<String, Long> s : sums.entrySet()) {
        if (!localityWeight.containsKey(s.getKey()) && !taken.contains(s.getKey()) && matches(parts(s.getKey()), w.locality())) {
          taken.add(s.getKey());
          total += s.getValue();
        }
      }
      for (String l : taken) {
        long weight = (sums.get(l) * w.weight() + total - 1) / total;
        localityWeight.put(l, (int) Math.min(Integer.MAX_VALUE, Math.max(1, weight)));
      }
      shares.add(w.locality() + " " + w.weight() + " %");
    }
    for (int i = 0; i < n; i++) {
      Integer w = localityWeight.get(orEmpty(endpoints.get(i).locality()));
      weights[i] = w == null ? 0 : w;
    }
    return new LocalityPlan(priorities, weights, true, "distribute from " + rule.from() + ": " + String.join(", ", shares));
  }

  /** Istio's {@code LbPriority}: 0 same subzone, 1 same zone, 2 same region, 3 elsewhere. */
  private static int byLocality(String[] self, String[] their) {
    if (!self[0].equals(their[0])) {
      return 3;
    }
    if (!self[1].equals(their[1])) {
      return 2;
    }
    return self[2].equals(their[2]) ? 0 : 1;
  }

  /** Istio's {@code LocalityMatch}: {@code *} matches any value at its level, a missing level matches any. */
  static boolean matches(String[] locality, String pattern) {
    String[] p = pattern.split("/", 3);
    for (int i = 0; i < 3; i++) {
      String part = i < p.length ? p[i] : "";
      if (part.equals("*") || (i > 0 && part.isEmpty())) {
        continue;
      }
      if (!part.equals(locality[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * The mesh's spelling of a locality: {@code region/zone/subzone} without trailing empty parts,
   * empty when all are (for xDS {@code Locality} messages and bootstraps).
   */
  public static String format(String region, String zone, String subZone) {
    if (!subZone.isEmpty()) {
      return region + "/" + zone + "/" + subZone;
    }
    if (!zone.isEmpty()) {
      return region + "/" + zone;
    }
    return region;
  }

  /** {@code region/zone/subzone} as three strings, missing parts empty. */
  public static String[] parts(@Nullable String locality) {
    String[] out = {"", "", ""};
    if (locality == null || locality.isEmpty()) {
      return out;
    }
    String[] p = locality.split("/", 3);
    System.arraycopy(p, 0, out, 0, p.length);
    return out;
  }

  /** An endpoint's label, the topology labels defaulting to its locality and network. */
  private static String label(Endpoint e, String key) {
    String v = e.labels().get(key);
    if (v != null) {
      return v;
    }
    return topology(key, parts(e.locality()), e.network());
  }

  private static String callerLabel(Workload caller, String[] self, String key) {
    String v = caller.labels().get(key);
    return v != null ? v : topology(key, self, null);
  }

  private static String topology(String key, String[] locality, @Nullable String network) {
    switch (key) {
      case REGION_LABEL:
        return locality[0];
      case ZONE_LABEL:
        return locality[1];
      case SUBZONE_LABEL:
        return locality[2];
      case NETWORK_LABEL:
        return orEmpty(network);
      default:
        return "";
    }
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  /** Renumbers priorities 0..k without gaps, keeping their order (Envoy requires it). */
  private static int[] compact(int[] priorities) {
    TreeSet<Integer> distinct = new TreeSet<>();
    for (int p : priorities) {
      distinct.add(p);
    }
    List<Integer> order = new ArrayList<>(distinct);
    int[] out = new int[priorities.length];
    for (int i = 0; i < priorities.length; i++) {
      out[i] = order.indexOf(priorities[i]);
    }
    return out;
  }

  /** The priority level of the i-th endpoint. */
  public int priority(int i) {
    return priorities[i];
  }

  /** The weight of the i-th endpoint's locality; 0 when localities are not weighted or it was dropped. */
  public int localityWeight(int i) {
    return localityWeights[i];
  }

  /** True if localities are weighted ({@code distribute}, or EDS locality weights). */
  public boolean weighted() {
    return weighted;
  }

  /** True if the i-th endpoint takes traffic: not dropped by {@code distribute}. */
  public boolean kept(int i) {
    return !weighted || localityWeights[i] > 0;
  }

  /** The endpoints of {@code endpoints} (the list the plan was made for) that take traffic, in order. */
  public List<Endpoint> kept(List<Endpoint> endpoints) {
    List<Endpoint> out = new ArrayList<>(endpoints.size());
    for (int i = 0; i < endpoints.size(); i++) {
      if (kept(i)) {
        out.add(endpoints.get(i));
      }
    }
    return out;
  }

  /** The number of priority levels (1 when there is no failover). */
  public int levels() {
    int max = 0;
    for (int p : priorities) {
      max = Math.max(max, p);
    }
    return max + 1;
  }

  /** Why the endpoints are ordered and weighted so, for explain: {@code failover by locality ... from us-east/a}. */
  public String why() {
    return why;
  }
}
