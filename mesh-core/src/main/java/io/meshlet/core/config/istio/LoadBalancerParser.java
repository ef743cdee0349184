package io.meshlet.core.config.istio;

import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.LocalityLbSetting;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash.HashOn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Istio's {@code LoadBalancerSettings}: {@code simple} or {@code consistentHash}, {@code localityLbSetting}, plus not-yet-applied warmup. */
final class LoadBalancerParser {
  private static final List<String> SIMPLE =
      List.of("UNSPECIFIED", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST", "LEAST_CONN");

  private LoadBalancerParser() {}

  static @Nullable LoadBalancerSettings parse(@Nullable YamlObject lb) {
    if (lb == null) {
      return null;
    }
    Problems problems = lb.problems();
    String simpleName = lb.enumValue("simple", SIMPLE);
    ConsistentHash hash = consistentHash(lb.object("consistentHash"));
    if (lb.has("simple") && lb.has("consistentHash")) {
      problems.error(lb.path(), "simple and consistentHash given (expected: one of them)");
    }
    LocalityLbSetting locality = locality(lb.object("localityLbSetting"));
    if (lb.has("warmupDurationSecs")) {
      lb.duration("warmupDurationSecs");
      problems.notYetApplied(lb.path("warmupDurationSecs"));
    }
    YamlObject warmup = lb.object("warmup");
    if (warmup != null) {
      warmup.duration("duration");
      warmup.number("minimumPercent", 0, 100);
      warmup.number("aggression", 0, Double.MAX_VALUE);
      problems.notYetApplied(warmup.path());
    }
    YamlObject zoneAware = lb.object("zoneAwareLbSetting");
    if (zoneAware != null) {
      zoneAware.bool("enabled");
      for (YamlObject f : zoneAware.objects("failover")) {
        f.string("from");
        f.string("to");
      }
      zoneAware.strings("failoverPriority");
      zoneAware.integer("minClusterSize", 1, Long.MAX_VALUE);
      if (lb.has("localityLbSetting")) {
        problems.error(lb.path(), "localityLbSetting and zoneAwareLbSetting given (expected: one of them, as in Istio)");
      }
      problems.notYetApplied(zoneAware.path());
    }
    LoadBalancerSettings.Simple simple = simple(simpleName);
    if (simple == null && hash == null && locality == null) {
      return null;
    }
    return new LoadBalancerSettings(simple, hash, locality);
  }

  private static LoadBalancerSettings.@Nullable Simple simple(@Nullable String name) {
    if (name == null || name.equals("UNSPECIFIED")) {
      return null;
    }
    if (name.equals("LEAST_CONN")) {
      return LoadBalancerSettings.Simple.LEAST_REQUEST;
    }
    return LoadBalancerSettings.Simple.valueOf(name);
  }

  private static @Nullable ConsistentHash consistentHash(@Nullable YamlObject ch) {
    if (ch == null) {
      return null;
    }
    Problems problems = ch.problems();
    List<String> given = new ArrayList<>();
    HashOn on = null;
    String key = "";
    String header = ch.headerName("httpHeaderName");
    if (header != null) {
      given.add("httpHeaderName");
      on = HashOn.HTTP_HEADER_NAME;
      key = header.toLowerCase(Locale.ROOT);
    }
    YamlObject cookie = ch.object("httpCookie");
    if (cookie != null) {
      given.add("httpCookie");
      String name = cookie.requiredString("name");
      if (cookie.string("path") != null) {
        problems.acceptedUnused(cookie.path("path"), "accepted without a warning: it shapes the cookie Envoy generates, "
            + "and Meshlet generates none (see ttl)");
      }
      if (cookie.duration("ttl") != null) {
        problems.notYetApplied(cookie.path("ttl"),
            "not yet applied by Meshlet: a missing cookie is not generated, such requests are spread at random");
      }
      for (YamlObject attribute : cookie.objects("attributes")) {
        attribute.requiredString("name");
        attribute.string("value");
      }
      if (cookie.has("attributes")) {
        problems.acceptedUnused(cookie.path("attributes"), "accepted without a warning: they shape the cookie Envoy "
            + "generates, and Meshlet generates none (see ttl)");
      }
      on = HashOn.HTTP_COOKIE;
      key = name == null ? "" : name;
    }
    String query = ch.string("httpQueryParameterName");
    if (query != null) {
      given.add("httpQueryParameterName");
      on = HashOn.HTTP_QUERY_PARAMETER_NAME;
      key = query;
    }
    Boolean sourceIp = ch.bool("useSourceIp");
    if (sourceIp != null && sourceIp) {
      given.add("useSourceIp");
      on = HashOn.USE_SOURCE_IP;
      key = "";
    }
    long ringSize = ConsistentHash.DEFAULT_MINIMUM_RING_SIZE;
    // 0 means "the default" in Istio's protobuf, as an unset field would.
    Long deprecatedSize = ch.integer("minimumRingSize", 0, Long.MAX_VALUE);
    if (deprecatedSize != null && deprecatedSize > 0) {
      ringSize = deprecatedSize;
    }
    YamlObject ring = ch.object("ringHash");
    if (ring != null) {
      Long size = ring.integer("minimumRingSize", 0, Long.MAX_VALUE);
      if (size != null && size > 0) {
        ringSize = size;
      }
    }
    YamlObject maglev = ch.object("maglev");
    if (maglev != null) {
      maglev.integer("tableSize", 1, Long.MAX_VALUE);
      problems.notYetApplied(maglev.path(), "maglev is not yet applied; ring hash is used");
    }
    if (ring != null && maglev != null) {
      problems.error(ch.path(), "ringHash and maglev given (expected: at most one)");
    }
    if (given.size() > 1) {
      problems.error(ch.path(), String.join(" and ", given) + " given (expected: one hash key)");
      return null;
    }
    if (on == null) {
      if (!hashKeyHadErrors(ch)) {
        problems.error(ch.path(), "no hash key (expected: one of httpHeaderName, httpCookie, httpQueryParameterName, useSourceIp)");
      }
      return null;
    }
    return new ConsistentHash(on, key, ringSize);
  }

  private static boolean hashKeyHadErrors(YamlObject ch) {
    return ch.has("httpHeaderName") || ch.has("httpCookie") || ch.has("httpQueryParameterName");
  }

  /**
   * {@code localityLbSetting}: distribute, failover, failoverPriority, enabled, with Istio's validation
   * ({@code validateLocalityLbSetting}): distribute and failover exclude each other, a distribute rule's
   * weights are 1..100 and sum to 100, a locality has no empty part and at most one {@code *}, at its
   * end; failover names two different regions without {@code /} or {@code *}.
   */
  static @Nullable LocalityLbSetting locality(@Nullable YamlObject locality) {
    if (locality == null) {
      return null;
    }
    Problems problems = locality.problems();
    List<LocalityLbSetting.Distribute> distribute = new ArrayList<>();
    List<YamlObject> rules = locality.objects("distribute");
    for (YamlObject d : rules) {
      String from = d.requiredString("from");
      if (from != null) {
        localityProblem(problems, d.path("from"), from);
      }
      JsonNode to = d.node("to");
      List<LocalityLbSetting.Weight> weights = new ArrayList<>();
      if (to == null) {
        problems.error(d.path("to"), "missing (required)");
      } else if (!to.isObject()) {
        problems.error(d.path("to"), Values.render(to) + " (expected: a mapping of localities to weights)");
      } else {
        long total = 0;
        boolean bad = false;
        for (Map.Entry<String, JsonNode> e : to.properties()) {
          String path = d.path("to") + "." + e.getKey();
          Long w = Values.integer(problems, path, e.getValue(), 1, 100);
          bad |= w == null || !localityProblem(problems, path, e.getKey());
          if (w != null) {
            total += w;
            weights.add(new LocalityLbSetting.Weight(e.getKey(), w.intValue()));
          }
        }
        if (!bad && total != 100) {
          problems.error(d.path("to"), "weights sum to " + total + " (expected: 100)");
        }
      }
      if (from != null) {
        distribute.add(new LocalityLbSetting.Distribute(from, weights));
      }
    }
    List<LocalityLbSetting.Failover> failover = new ArrayList<>();
    for (YamlObject f : locality.objects("failover")) {
      String from = f.requiredString("from");
      String to = f.requiredString("to");
      boolean ok = regionProblem(problems, f.path("from"), from) & regionProblem(problems, f.path("to"), to);
      if (from != null && from.equals(to)) {
        problems.error(f.path("to"), "'" + to + "' is also from (expected: a different region)");
        ok = false;
      }
      if (ok && from != null && to != null) {
        failover.add(new LocalityLbSetting.Failover(from, to));
      }
    }
    if (!rules.isEmpty() && locality.has("failover")) {
      problems.error(locality.path(), "distribute and failover given (expected: at most one of them)");
    }
    List<String> failoverPriority = locality.strings("failoverPriority");
    for (int i = 0; i < failoverPriority.size(); i++) {
      String key = failoverPriority.get(i);
      int eq = key.indexOf('=');
      String name = eq < 0 ? key : key.substring(0, eq);
      if (name.isEmpty()) {
        problems.error(locality.path("failoverPriority") + "[" + i + "]", "'" + key + "' (expected: a label key, or key=value)");
      }
    }
    Boolean enabled = locality.bool("enabled");
    return new LocalityLbSetting(enabled, distribute, failover, failoverPriority);
  }

  /** Records a problem of a {@code region/zone/subzone} pattern; true if there is none. */
  private static boolean localityProblem(Problems problems, String path, String locality) {
    int stars = locality.length() - locality.replace("*", "").length();
    if (stars > 1 || (stars == 1 && !locality.endsWith("*"))) {
      problems.error(path, "'" + locality + "' (expected: at most one '*', at the end)");
      return false;
    }
    String[] parts = locality.split("/", -1);
    if (parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
      problems.error(path, "'" + locality + "' (expected: region[/zone[/subzone]] with no empty part)");
      return false;
    }
    return true;
  }

  private static boolean regionProblem(Problems problems, String path, @Nullable String region) {
    if (region != null && (region.isEmpty() || region.contains("/") || region.contains("*"))) {
      problems.error(path, "'" + region + "' (expected: a region, without '/' or '*')");
      return false;
    }
    return region != null;
  }
}
