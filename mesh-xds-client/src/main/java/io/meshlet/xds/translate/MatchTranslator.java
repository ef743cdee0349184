package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.meshlet.core.config.HeaderNames;
import io.meshlet.core.config.Regexes;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.StringMatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A route's {@code match} into one {@link HttpMatch} (any port; the listener's port is set later).
 * Envoy's suffix, contains and case-insensitive string matches become regexes, since Istio's
 * StringMatch has exact, prefix and regex only.
 */
final class MatchTranslator {
  private MatchTranslator() {}

  /** The match, or null (with an error) when it cannot be expressed. */
  static @Nullable HttpMatch translate(RouteMatch m, String path, Problems problems) {
    int errors = problems.errorCount();
    StringMatch uri = null;
    switch (m.getPathSpecifierCase()) {
      case PREFIX:
        uri = m.getPrefix().isEmpty() || m.getPrefix().equals("/") ? null : StringMatch.prefix(m.getPrefix());
        break;
      case PATH:
        uri = StringMatch.exact(m.getPath());
        break;
      case SAFE_REGEX:
        String regex = regex(m.getSafeRegex().getRegex(), path + ".safe_regex.regex", problems);
        uri = regex == null ? null : StringMatch.regex(regex);
        break;
      case PATH_SEPARATED_PREFIX:
        // "/api" matches /api and /api/..., never /apiv2.
        uri = written(Regexes.quote(m.getPathSeparatedPrefix()) + "(/.*)?", path + ".path_separated_prefix", problems);
        break;
      case PATH_MATCH_POLICY:
        problems.error(path + ".path_match_policy", m.getPathMatchPolicy().getName()
            + " (expected: prefix, path, safe_regex or path_separated_prefix)");
        break;
      case CONNECT_MATCHER:
        problems.error(path + ".connect_matcher", "CONNECT is not supported (expected: prefix, path, safe_regex or path_separated_prefix)");
        break;
      case PATHSPECIFIER_NOT_SET:
      default:
        problems.error(path, "no path specifier (expected: one of prefix, path, safe_regex, path_separated_prefix)");
        break;
    }
    boolean ignoreCase = m.hasCaseSensitive() && !m.getCaseSensitive().getValue();
    if (m.hasRuntimeFraction()) {
      problems.error(path + ".runtime_fraction", "not supported (expected: no runtime_fraction; Meshlet has no Envoy runtime)");
    }
    if (m.hasTlsContext()) {
      problems.error(path + ".tls_context", "not supported (expected: no tls_context)");
    }
    if (m.getDynamicMetadataCount() > 0) {
      problems.error(path + ".dynamic_metadata", "not supported (expected: no dynamic_metadata)");
    }
    if (m.getFilterStateCount() > 0) {
      problems.error(path + ".filter_state", "not supported (expected: no filter_state)");
    }
    if (m.hasGrpc()) {
      problems.ignored(path + ".grpc", "the route matches gRPC and other requests alike");
    }

    Map<String, StringMatch> headers = new LinkedHashMap<>();
    Map<String, StringMatch> withoutHeaders = new LinkedHashMap<>();
    StringMatch[] pseudo = new StringMatch[3]; // method, authority, scheme
    List<HeaderMatcher> hms = m.getHeadersList();
    for (int i = 0; i < hms.size(); i++) {
      header(hms.get(i), path + ".headers[" + i + "]", problems, headers, withoutHeaders, pseudo);
    }
    Map<String, StringMatch> query = new LinkedHashMap<>();
    List<QueryParameterMatcher> qms = m.getQueryParametersList();
    for (int i = 0; i < qms.size(); i++) {
      query(qms.get(i), path + ".query_parameters[" + i + "]", problems, query);
    }
    if (problems.errorCount() > errors) {
      return null;
    }
    return new HttpMatch(null, uri, pseudo[2], pseudo[0], pseudo[1], headers, withoutHeaders, query, 0,
        ignoreCase, Map.of(), null, List.of());
  }

  private static void header(
      HeaderMatcher h, String path, Problems problems, Map<String, StringMatch> headers,
      Map<String, StringMatch> withoutHeaders, StringMatch[] pseudo) {
    String name = headerName(h.getName(), path + ".name", problems);
    if (name == null) {
      return;
    }
    boolean invert = h.getInvertMatch();
    StringMatch match;
    switch (h.getHeaderMatchSpecifierCase()) {
      case EXACT_MATCH:
        match = StringMatch.exact(h.getExactMatch());
        break;
      case PREFIX_MATCH:
        match = StringMatch.prefix(h.getPrefixMatch());
        break;
      case SUFFIX_MATCH:
        match = written(".*" + Regexes.quote(h.getSuffixMatch()), path + ".suffix_match", problems);
        break;
      case CONTAINS_MATCH:
        match = written(".*" + Regexes.quote(h.getContainsMatch()) + ".*", path + ".contains_match", problems);
        break;
      case SAFE_REGEX_MATCH:
        String regex = regex(h.getSafeRegexMatch().getRegex(), path + ".safe_regex_match.regex", problems);
        match = regex == null ? null : StringMatch.regex(regex);
        break;
      case STRING_MATCH:
        match = stringMatch(h.getStringMatch(), path + ".string_match", problems);
        break;
      case PRESENT_MATCH:
        match = StringMatch.present();
        // present_match: false asks for the header to be absent.
        invert ^= !h.getPresentMatch();
        break;
      case RANGE_MATCH:
        problems.error(path + ".range_match", "not supported (expected: exact, prefix, suffix, contains, regex or present match)");
        return;
      case HEADERMATCHSPECIFIER_NOT_SET:
      default:
        match = StringMatch.present();
        break;
    }
    if (match == null) {
      return;
    }
    if (h.getTreatMissingHeaderAsEmpty()) {
      problems.ignored(path + ".treat_missing_header_as_empty", "a missing header never matches");
    }
    if (name.startsWith(":")) {
      int slot = name.equals(":method") ? 0 : name.equals(":authority") ? 1 : name.equals(":scheme") ? 2 : -1;
      if (slot < 0) {
        problems.error(path + ".name", "'" + h.getName() + "' (expected: a header name, :method, :authority or :scheme)");
      } else if (invert) {
        problems.error(path + ".invert_match", "true for " + name + " (expected: false; the model cannot negate " + name + ")");
      } else if (pseudo[slot] != null) {
        problems.error(path + ".name", "'" + name + "' is matched more than once (expected: one matcher per header)");
      } else {
        pseudo[slot] = match;
      }
      return;
    }
    Map<String, StringMatch> target = invert ? withoutHeaders : headers;
    if (target.putIfAbsent(name, match) != null) {
      problems.error(path + ".name", "'" + name + "' is matched more than once (expected: one matcher per header)");
    }
  }

  private static void query(QueryParameterMatcher q, String path, Problems problems, Map<String, StringMatch> query) {
    StringMatch match;
    switch (q.getQueryParameterMatchSpecifierCase()) {
      case STRING_MATCH:
        match = stringMatch(q.getStringMatch(), path + ".string_match", problems);
        break;
      case PRESENT_MATCH:
        if (!q.getPresentMatch()) {
          problems.error(path + ".present_match", "false (expected: true; the model cannot ask for an absent parameter)");
          return;
        }
        match = StringMatch.present();
        break;
      case QUERYPARAMETERMATCHSPECIFIER_NOT_SET:
      default:
        match = StringMatch.present();
        break;
    }
    if (match != null && query.putIfAbsent(q.getName(), match) != null) {
      problems.error(path + ".name", "'" + q.getName() + "' is matched more than once (expected: one matcher per parameter)");
    }
  }

  /** Envoy's StringMatcher as Istio's StringMatch; null (with an error) when it cannot be one. */
  static @Nullable StringMatch stringMatch(StringMatcher s, String path, Problems problems) {
    String ci = s.getIgnoreCase() ? "(?i)" : "";
    switch (s.getMatchPatternCase()) {
      case EXACT:
        return s.getIgnoreCase() ? written(ci + Regexes.quote(s.getExact()), path + ".exact", problems) : StringMatch.exact(s.getExact());
      case PREFIX:
        return s.getIgnoreCase()
            ? written(ci + Regexes.quote(s.getPrefix()) + ".*", path + ".prefix", problems)
            : StringMatch.prefix(s.getPrefix());
      case SUFFIX:
        return written(ci + ".*" + Regexes.quote(s.getSuffix()), path + ".suffix", problems);
      case CONTAINS:
        return written(ci + ".*" + Regexes.quote(s.getContains()) + ".*", path + ".contains", problems);
      case SAFE_REGEX:
        // Envoy: ignore_case has no effect on safe_regex.
        String regex = regex(s.getSafeRegex().getRegex(), path + ".safe_regex.regex", problems);
        return regex == null ? null : StringMatch.regex(regex);
      case CUSTOM:
        problems.error(path + ".custom", s.getCustom().getName() + " (expected: exact, prefix, suffix, contains or safe_regex)");
        return null;
      case MATCHPATTERN_NOT_SET:
      default:
        problems.error(path, "no match pattern (expected: one of exact, prefix, suffix, contains, safe_regex)");
        return null;
    }
  }

  /**
   * A header name checked as Istio checks them ({@link HeaderNames}: an RFC 7230 token, bounded) and
   * only then lower-cased; null (with an error) otherwise.
   */
  static @Nullable String headerName(String name, String path, Problems problems) {
    String problem = HeaderNames.problem(name);
    if (problem != null) {
      problems.error(path, problem);
      return null;
    }
    return name.toLowerCase(Locale.ROOT);
  }

  /** A regex that compiles as RE2 within the length bound ({@link Regexes}); null (with an error) otherwise. */
  static @Nullable String regex(String regex, String path, Problems problems) {
    String problem = Regexes.problem(regex);
    if (problem != null) {
      problems.error(path, problem);
      return null;
    }
    return regex;
  }

  /** A regex Meshlet writes for an Envoy matcher ({@code .*suffix}), checked like a written one. */
  private static @Nullable StringMatch written(String regex, String path, Problems problems) {
    String checked = regex(regex, path, problems);
    return checked == null ? null : StringMatch.regex(checked);
  }
}
