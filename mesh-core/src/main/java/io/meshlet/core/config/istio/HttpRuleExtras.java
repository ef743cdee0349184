package io.meshlet.core.config.istio;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code http[]} rule fields that are validated but not applied yet: mirroring and CORS. Each
 * one present is listed as not yet applied.
 */
final class HttpRuleExtras {
  private static final List<String> UNMATCHED_PREFLIGHTS = List.of("UNSPECIFIED", "FORWARD", "IGNORE");

  private HttpRuleExtras() {}

  static void parse(YamlObject rule, String namespace) {
    Problems problems = rule.problems();
    if (rule.has("mirror")) {
      mirror(rule.object("mirror"), namespace);
      problems.notYetApplied(rule.path("mirror"));
    }
    if (rule.has("mirrorPercentage")) {
      percentage(rule.object("mirrorPercentage"));
      problems.notYetApplied(rule.path("mirrorPercentage"));
    }
    if (rule.has("mirrorPercent")) {
      rule.integer("mirrorPercent", 0, 100);
      problems.notYetApplied(rule.path("mirrorPercent"));
    }
    if (rule.has("mirrors")) {
      for (YamlObject m : rule.objects("mirrors")) {
        mirror(m.object("destination"), namespace);
        if (!m.has("destination")) {
          problems.error(m.path("destination"), "missing (required)");
        }
        percentage(m.object("percentage"));
      }
      problems.notYetApplied(rule.path("mirrors"));
    }
    YamlObject cors = rule.object("corsPolicy");
    if (cors != null) {
      cors(cors);
      problems.notYetApplied(cors.path());
    }
  }

  private static void mirror(@Nullable YamlObject destination, String namespace) {
    RouteDestinationParser.destination(destination, namespace);
  }

  /** Istio's {@code Percent}: {@code value} in 0..100. */
  static void percentage(@Nullable YamlObject p) {
    if (p != null) {
      p.number("value", 0, 100);
    }
  }

  private static void cors(YamlObject cors) {
    for (YamlObject origin : cors.objects("allowOrigins")) {
      HttpMatchParser.stringMatch(origin);
    }
    cors.strings("allowOrigin");
    cors.strings("allowMethods");
    cors.strings("allowHeaders");
    cors.strings("exposeHeaders");
    cors.duration("maxAge");
    cors.bool("allowCredentials");
    cors.enumValue("unmatchedPreflights", UNMATCHED_PREFLIGHTS);
  }
}
