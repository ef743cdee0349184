package io.meshlet.core.config.istio;

import io.meshlet.core.config.HeaderNames;
import io.meshlet.core.config.Regexes;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.StringMatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** {@code http[].match[]} entries and Istio's {@code StringMatch}. */
final class HttpMatchParser {
  private HttpMatchParser() {}

  static HttpMatch parse(YamlObject m) {
    String name = m.string("name");
    StringMatch uri = stringMatch(m.object("uri"));
    StringMatch scheme = stringMatch(m.object("scheme"));
    StringMatch method = stringMatch(m.object("method"));
    StringMatch authority = stringMatch(m.object("authority"));
    Map<String, StringMatch> headers = stringMatches(m, "headers", true);
    Map<String, StringMatch> withoutHeaders = stringMatches(m, "withoutHeaders", true);
    Map<String, StringMatch> queryParams = stringMatches(m, "queryParams", false);
    Integer port = m.port("port");
    Boolean ignoreUriCase = m.bool("ignoreUriCase");
    Map<String, String> sourceLabels = m.stringMap("sourceLabels");
    String sourceNamespace = m.string("sourceNamespace");
    List<String> gateways = m.strings("gateways");
    if (m.string("statPrefix") != null) {
      m.problems().notYetApplied(m.path("statPrefix"));
    }
    return new HttpMatch(
        name,
        uri,
        scheme,
        method,
        authority,
        headers,
        withoutHeaders,
        queryParams,
        port == null ? 0 : port,
        ignoreUriCase != null && ignoreUriCase,
        sourceLabels,
        sourceNamespace,
        gateways);
  }

  /** A map of names to StringMatch; header names are lower-cased. */
  private static Map<String, StringMatch> stringMatches(YamlObject m, String field, boolean lowerCaseKeys) {
    JsonNode n = m.node(field);
    if (n == null) {
      return Map.of();
    }
    if (!n.isObject()) {
      m.problems().error(m.path(field), Values.render(n) + " (expected: a mapping of names to matches)");
      return Map.of();
    }
    Map<String, StringMatch> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      String path = m.path(field) + "." + e.getKey();
      boolean claim = lowerCaseKeys && HttpMatch.isJwtClaim(e.getKey());
      String nameProblem = lowerCaseKeys && !claim ? HeaderNames.problem(e.getKey()) : null;
      if (claim) {
        // Istio routes on the claims of a JWT its gateway validated; no outbound call of an application
        // carries a validated JWT, so the claim is absent here (as for a sidecar's outbound route).
        m.problems().warning(path, "routes on a JWT claim, which Istio applies where it validated the token (a gateway);"
            + " an outbound call from this application has no validated token, so the claim is absent and this "
            + (field.equals("headers") ? "match block never matches" : "condition always holds"));
      }
      if (nameProblem != null) {
        m.problems().error(path, nameProblem);
        continue;
      }
      JsonNode value = e.getValue();
      StringMatch match = value.isNull()
          ? StringMatch.present()
          : stringMatch(YamlObject.of(m.problems(), path, value));
      String key = lowerCaseKeys ? e.getKey().toLowerCase(Locale.ROOT) : e.getKey();
      // A claim of withoutHeaders is absent, so its condition always holds: nothing to keep.
      if (match != null && !(claim && field.equals("withoutHeaders"))) {
        out.put(key, match);
      }
    }
    return out;
  }

  /** Istio's StringMatch: exactly one of exact, prefix, regex; an empty mapping means "present". */
  static @Nullable StringMatch stringMatch(@Nullable YamlObject o) {
    if (o == null) {
      return null;
    }
    List<String> given = new ArrayList<>();
    for (String f : List.of("exact", "prefix", "regex")) {
      if (o.has(f)) {
        given.add(f);
      }
    }
    String exact = o.string("exact");
    String prefix = o.string("prefix");
    String regex = regex(o, "regex");
    if (given.size() > 1) {
      o.problems().error(o.path(), String.join(" and ", given) + " given (expected: one of exact, prefix, regex)");
      return null;
    }
    if (exact != null) {
      return StringMatch.exact(exact);
    }
    if (prefix != null) {
      return StringMatch.prefix(prefix);
    }
    if (regex != null) {
      return StringMatch.regex(regex);
    }
    return given.isEmpty() ? StringMatch.present() : null;
  }

  /** A string field holding a regex that must compile as RE2 ({@link Regexes}); null (with an error) otherwise. */
  static @Nullable String regex(YamlObject o, String field) {
    String regex = o.string(field);
    if (regex == null) {
      return null;
    }
    String problem = Regexes.problem(regex);
    if (problem != null) {
      o.problems().error(o.path(field), problem);
      return null;
    }
    return regex;
  }
}
