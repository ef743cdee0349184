package io.meshlet.core.config.istio;

import io.meshlet.core.config.HeaderNames;
import io.meshlet.core.model.CorsPolicy;
import io.meshlet.core.model.Destination;
import io.meshlet.core.model.MirrorPolicy;
import io.meshlet.core.model.StringMatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The {@code http[]} rule fields of mirroring ({@code mirror}, {@code mirrorPercentage}, {@code mirrorPercent}, {@code mirrors}) and CORS ({@code corsPolicy}). */
final class HttpRuleExtras {
  private static final List<String> UNMATCHED_PREFLIGHTS = List.of("UNSPECIFIED", "FORWARD", "IGNORE");

  private HttpRuleExtras() {}

  /**
   * The rule's mirrors, as Istio's {@code mirrorPercent} translation reads them: {@code
   * mirrorPercentage} first, then {@code mirrorPercent}, else 100 %; each of {@code mirrors} with its
   * own {@code percentage} (100 % when absent). A mirror drawn 0 % is left out.
   */
  static List<MirrorPolicy> mirrors(YamlObject rule, String namespace) {
    if (!rule.has("mirror") && !rule.has("mirrors") && !rule.has("mirrorPercentage") && !rule.has("mirrorPercent")) {
      return List.of();
    }
    Problems problems = rule.problems();
    List<MirrorPolicy> out = new ArrayList<>();
    Destination single = rule.has("mirror") ? RouteDestinationParser.destination(rule.object("mirror"), namespace) : null;
    Double percentage = percentage(rule.object("mirrorPercentage"));
    Long percent = rule.integer("mirrorPercent", 0, 100);
    if (rule.has("mirror") && rule.has("mirrors")) {
      problems.error(rule.path(), "mirror and mirrors given (expected: at most one of them)");
    }
    if (!rule.has("mirror") && (rule.has("mirrorPercentage") || rule.has("mirrorPercent"))) {
      problems.warning(rule.path(rule.has("mirrorPercentage") ? "mirrorPercentage" : "mirrorPercent"),
          "has no effect without mirror (each of mirrors has its own percentage)");
    }
    if (single != null) {
      double p = percentage != null ? percentage : percent != null ? percent : 100;
      add(out, single, p);
    }
    for (YamlObject m : rule.objects("mirrors")) {
      Destination d = RouteDestinationParser.destination(m.object("destination"), namespace);
      if (!m.has("destination")) {
        problems.error(m.path("destination"), "missing (required)");
      }
      Double p = percentage(m.object("percentage"));
      if (d != null) {
        add(out, d, p != null ? p : 100);
      }
    }
    return out;
  }

  private static void add(List<MirrorPolicy> out, Destination d, double percent) {
    int millionths = MirrorPolicy.fromPercent(percent);
    if (millionths > 0) {
      out.add(new MirrorPolicy(d, millionths));
    }
  }

  /** Istio's {@code Percent}: {@code value} in 0..100; null when absent. */
  static @Nullable Double percentage(@Nullable YamlObject p) {
    if (p == null) {
      return null;
    }
    Double v = p.number("value", 0, 100);
    return v == null ? 0.0 : v;
  }

  /** A method or header name (an RFC 7230 token, as Envoy will send it in a header) or {@code *}. */
  private static @Nullable String tokenOrStar(String value) {
    return value.equals("*") ? null : HeaderNames.problem(value);
  }

  static @Nullable CorsPolicy cors(@Nullable YamlObject cors) {
    if (cors == null) {
      return null;
    }
    List<StringMatch> origins = new ArrayList<>();
    for (YamlObject origin : cors.objects("allowOrigins")) {
      StringMatch m = HttpMatchParser.stringMatch(origin);
      if (m != null) {
        origins.add(m);
      }
    }
    for (String exact : cors.strings("allowOrigin")) {
      origins.add(StringMatch.exact(exact));
    }
    if (cors.has("allowOrigin")) {
      cors.problems().warning(cors.path("allowOrigin"), "deprecated (use allowOrigins); read as exact matches");
    }
    List<String> methods = cors.strings("allowMethods", m -> {
      String problem = tokenOrStar(m);
      return problem == null ? null : problem.replace("a header name", "a method");
    });
    List<String> allowHeaders = cors.strings("allowHeaders", HttpRuleExtras::tokenOrStar);
    List<String> exposeHeaders = cors.strings("exposeHeaders", HttpRuleExtras::tokenOrStar);
    Duration maxAge = cors.duration("maxAge");
    Boolean credentials = cors.bool("allowCredentials");
    String unmatched = cors.enumValue("unmatchedPreflights", UNMATCHED_PREFLIGHTS);
    return new CorsPolicy(origins, methods, allowHeaders, exposeHeaders, maxAge,
        credentials != null && credentials, !"IGNORE".equals(unmatched));
  }
}
