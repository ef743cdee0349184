package io.meshlet.core.config.istio;

import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash.HashOn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Istio's {@code LoadBalancerSettings}: {@code simple} or {@code consistentHash}, plus not-yet-applied locality and warmup. */
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
    YamlObject locality = lb.object("localityLbSetting");
    if (locality != null) {
      locality(locality);
      problems.notYetApplied(locality.path());
    }
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
    LoadBalancerSettings.Simple simple = simple(simpleName);
    if (simple == null && hash == null) {
      return null;
    }
    return new LoadBalancerSettings(simple, hash);
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
      cookie.string("path");
      if (cookie.duration("ttl") != null) {
        problems.notYetApplied(cookie.path("ttl"),
            "not yet applied by Meshlet: a missing cookie is not generated, such requests are spread at random");
      }
      for (YamlObject attribute : cookie.objects("attributes")) {
        attribute.requiredString("name");
        attribute.string("value");
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

  /** {@code localityLbSetting}: distribute, failover, failoverPriority, enabled. */
  private static void locality(YamlObject locality) {
    for (YamlObject d : locality.objects("distribute")) {
      d.string("from");
      JsonNode to = d.node("to");
      if (to != null && !to.isObject()) {
        d.problems().error(d.path("to"), Values.render(to) + " (expected: a mapping of localities to weights)");
      } else if (to != null) {
        for (Map.Entry<String, JsonNode> e : to.properties()) {
          Values.integer(d.problems(), d.path("to") + "." + e.getKey(), e.getValue(), 0, 0xFFFF_FFFFL);
        }
      }
    }
    for (YamlObject f : locality.objects("failover")) {
      f.string("from");
      f.string("to");
    }
    locality.strings("failoverPriority");
    locality.bool("enabled");
  }
}
