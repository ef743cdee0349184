package io.meshlet.consul;

import io.meshlet.core.config.GoDurations;
import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash.HashOn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@code service-resolver} entry, validated: subsets (by {@link SubsetFilters}), default subset,
 * redirect, connect and request timeouts, load balancer, and the {@code Failover} of {@code "*"}
 * (the targets, in order, that take the traffic when the service has no healthy instance left).
 * Failover keyed by one subset and {@code PrioritizeByLocality} are reported as not yet applied.
 */
record Resolver(
    String service,
    Map<String, Map<String, String>> subsets,
    @Nullable String defaultSubset,
    @Nullable Target redirect,
    @Nullable Duration connectTimeout,
    @Nullable Duration requestTimeout,
    @Nullable LoadBalancerSettings loadBalancer,
    List<Failover> failover) {

  /** A service (and subset) a route, split or redirect goes to. */
  record Target(String service, @Nullable String subset) {}

  /**
   * One failover target: {@code service} (and {@code subset}) in {@code datacenter}, the source's own
   * when null. Field paths are kept for errors found once every entry is known.
   */
  record Failover(String service, @Nullable String subset, @Nullable String datacenter, String path) {}

  Resolver {
    failover = List.copyOf(failover);
  }

  static Resolver parse(JsonFields e, String service) {
    EntryProblems p = e.problems();
    Map<String, Map<String, String>> subsets = new LinkedHashMap<>();
    for (Map.Entry<String, JsonFields> s : e.objectMap("Subsets").entrySet()) {
      JsonFields f = s.getValue();
      String filter = f.string("Filter");
      Map<String, String> labels = filter == null ? Map.of() : SubsetFilters.labels(filter);
      if (labels == null) {
        p.error(f.path("Filter"), "'" + filter + "' (" + SubsetFilters.EXPECTED + ")");
        labels = Map.of();
      }
      if (f.bool("OnlyPassing")) {
        p.notYetApplied(f.path("OnlyPassing"));
      }
      f.finish();
      subsets.put(s.getKey(), labels);
    }
    String defaultSubset = e.string("DefaultSubset");
    if (defaultSubset != null && !subsets.containsKey(defaultSubset)) {
      p.error(e.path("DefaultSubset"), "'" + defaultSubset + "' (expected: one of the Subsets " + subsets.keySet() + ")");
    }
    Target redirect = null;
    JsonFields r = e.object("Redirect");
    if (r != null) {
      String to = r.string("Service");
      redirect = new Target(to != null ? to : service, r.string("ServiceSubset"));
      r.notYetApplied("Namespace", "Partition", "Datacenter", "Peer", "SamenessGroup");
      r.finish();
    }
    Duration connect = duration(e, "ConnectTimeout");
    Duration request = duration(e, "RequestTimeout");
    LoadBalancerSettings lb = loadBalancer(e.object("LoadBalancer"));
    List<Failover> failover = new ArrayList<>();
    for (Map.Entry<String, JsonFields> f : e.objectMap("Failover").entrySet()) {
      List<Failover> targets = failover(f.getValue(), service);
      if (f.getKey().equals("*")) {
        failover.addAll(targets);
      } else if (subsets.containsKey(f.getKey())) {
        p.warning(e.path("Failover") + "." + f.getKey(), "not yet applied by Meshlet (failover of one subset; only \"*\" is)");
      } else {
        p.error(e.path("Failover") + "." + f.getKey(), "'" + f.getKey() + "' (expected: \"*\" or one of the Subsets "
            + subsets.keySet() + ")");
      }
    }
    e.notYetApplied("PrioritizeByLocality");
    return new Resolver(service, subsets, defaultSubset, redirect, connect, request, lb, failover);
  }

  /**
   * One {@code Failover} value: {@code Targets} in order, or {@code Service}/{@code ServiceSubset}
   * in each of {@code Datacenters} in order (the source's datacenter when none), as Consul reads it.
   */
  private static List<Failover> failover(JsonFields f, String service) {
    EntryProblems p = f.problems();
    String to = f.string("Service");
    String subset = f.string("ServiceSubset");
    List<String> datacenters = f.strings("Datacenters");
    List<JsonFields> targets = f.objects("Targets");
    f.notYetApplied("Namespace", "SamenessGroup", "Policy");
    List<Failover> out = new ArrayList<>();
    if (!targets.isEmpty()) {
      if (to != null || subset != null || !datacenters.isEmpty()) {
        p.error(f.path("Targets"), "given with Service, ServiceSubset or Datacenters (expected: Targets alone, as Consul requires)");
      }
      for (int i = 0; i < targets.size(); i++) {
        JsonFields t = targets.get(i);
        String ts = t.string("Service");
        out.add(new Failover(ts != null ? ts : service, t.string("ServiceSubset"), t.string("Datacenter"),
            f.path("Targets") + "[" + i + "]"));
        t.notYetApplied("Namespace", "Partition", "Peer");
        t.finish();
      }
    } else if (!datacenters.isEmpty()) {
      for (String dc : datacenters) {
        out.add(new Failover(to != null ? to : service, subset, dc, f.here()));
      }
    } else if (to != null || subset != null) {
      out.add(new Failover(to != null ? to : service, subset, null, f.here()));
    } else {
      p.error(f.here(), "no target (expected: Service, ServiceSubset, Datacenters or Targets)");
    }
    f.finish();
    return out;
  }

  static @Nullable Duration duration(JsonFields e, String field) {
    String s = e.string(field);
    if (s == null) {
      return null;
    }
    Duration d = GoDurations.parse(s);
    if (d == null || d.isNegative()) {
      e.problems().error(e.path(field), "'" + s + "' (expected: a duration such as 5s or 1m30s)");
      return null;
    }
    return d.isZero() ? null : d;
  }

  private static @Nullable LoadBalancerSettings loadBalancer(@Nullable JsonFields lb) {
    if (lb == null) {
      return null;
    }
    EntryProblems p = lb.problems();
    String policy = lb.string("Policy");
    lb.notYetApplied("LeastRequestConfig");
    JsonFields ring = lb.object("RingHashConfig");
    long minRing = ConsistentHash.DEFAULT_MINIMUM_RING_SIZE;
    if (ring != null) {
      Integer min = ring.integer("MinimumRingSize", 1, 8_388_608);
      minRing = min != null ? min : minRing;
      ring.notYetApplied("MaximumRingSize");
      ring.finish();
    }
    List<JsonFields> hashPolicies = lb.objects("HashPolicies");
    LoadBalancerSettings out = null;
    if (policy == null || policy.equals("round_robin")) {
      out = policy == null ? null : new LoadBalancerSettings(LoadBalancerSettings.Simple.ROUND_ROBIN, null);
    } else if (policy.equals("random")) {
      out = new LoadBalancerSettings(LoadBalancerSettings.Simple.RANDOM, null);
    } else if (policy.equals("least_request")) {
      out = new LoadBalancerSettings(LoadBalancerSettings.Simple.LEAST_REQUEST, null);
    } else if (policy.equals("ring_hash") || policy.equals("maglev")) {
      ConsistentHash hash = null;
      for (int i = 0; i < hashPolicies.size(); i++) {
        ConsistentHash h = hashPolicy(hashPolicies.get(i), minRing);
        if (i == 0) {
          hash = h;
        } else {
          p.notYetApplied(lb.path("HashPolicies") + "[" + i + "]");
        }
      }
      if (hash == null) {
        p.error(lb.path("HashPolicies"), "none (expected: a hash policy for " + policy + "; Meshlet hashes on one key)");
      }
      out = hash == null ? null : new LoadBalancerSettings(null, hash);
    } else {
      p.error(lb.path("Policy"), "'" + policy + "' (expected: round_robin, random, least_request, ring_hash or maglev)");
    }
    if (out == null || out.consistentHash() == null) {
      for (int i = 0; i < hashPolicies.size(); i++) {
        p.warning(lb.path("HashPolicies") + "[" + i + "]", "ignored: the policy is not ring_hash or maglev");
      }
    }
    lb.finish();
    return out;
  }

  private static @Nullable ConsistentHash hashPolicy(JsonFields h, long minRing) {
    EntryProblems p = h.problems();
    String field = h.string("Field");
    String value = h.string("FieldValue");
    boolean sourceIp = h.bool("SourceIP");
    h.notYetApplied("CookieConfig", "Terminal");
    h.finish();
    if (sourceIp) {
      return new ConsistentHash(HashOn.USE_SOURCE_IP, "", minRing);
    }
    HashOn on = field == null ? null : switch (field) {
      case "header" -> HashOn.HTTP_HEADER_NAME;
      case "cookie" -> HashOn.HTTP_COOKIE;
      case "query_parameter" -> HashOn.HTTP_QUERY_PARAMETER_NAME;
      default -> null;
    };
    if (on == null || value == null) {
      p.error(h.path(on == null ? "Field" : "FieldValue"), on == null
          ? "'" + field + "' (expected: header, cookie or query_parameter, or SourceIP: true)"
          : "none (expected: the name of the " + field + " to hash)");
      return null;
    }
    return new ConsistentHash(on, value, minRing);
  }
}
