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
 * StringMatch has exact, prefix and regex only. Header matchers on the pseudo-headers {@code
 * :method}, {@code :authority} and {@code :scheme} become the match's {@code method}, {@code
 * authority} and {@code scheme}; one on {@code :path} its {@code uri} where that means the same
 * ({@link #pathHeader}); other pseudo-headers are an error. A header name Envoy accepts but no
 * request can carry (not an HTTP token) is kept, with a warning: the header is absent, as in Envoy.
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
    StringMatch[] pseudo = new StringMatch[4]; // method, authority, scheme, path
    List<HeaderMatcher> hms = m.getHeadersList();
    for (int i = 0; i < hms.size(); i++) {
      header(hms.get(i), path + ".headers[" + i + "]", problems, headers, withoutHeaders, pseudo);
    }
    Map<String, StringMatch> query = new LinkedHashMap<>();
    List<QueryParameterMatcher> qms = m.getQueryParametersList();
    for (int i = 0; i < qms.size(); i++) {
      query(qms.get(i), path + ".query_parameters[" + i + "]", problems, query);
    }
    if (pseudo[3] != null) {
      uri = pathHeader(m, uri, pseudo[3], path, problems);
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
    String name = routeHeaderName(h.getName(), path + ".name", problems);
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
      int slot = name.equals(":method") ? 0 : name.equals(":authority") ? 1 : name.equals(":scheme") ? 2
          : name.equals(":path") ? 3 : -1;
      if (slot < 0) {
        problems.error(path + ".name", "'" + h.getName() + "' (expected: a header name, or the pseudo-header :method, "
            + ":authority, :scheme or :path; the route model has no " + name + ")");
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
   * A {@code :path} header matcher ({@code match}, at {@code path}) merged into the route's {@code
   * uri}: {@code :path} carries the query, the model's uri does not, so only a prefix without {@code
   * ?} means the same, and only on a route whose path specifier matches every path (prefix {@code /}
   * or empty); present is no condition at all. Anything else is an error naming the matcher.
   */
  private static @Nullable StringMatch pathHeader(RouteMatch m, @Nullable StringMatch uri, StringMatch match, String path,
      Problems problems) {
    int i = 0;
    while (!m.getHeaders(i).getName().equalsIgnoreCase(":path")) {
      i++;
    }
    String hp = path + ".headers[" + i + "]";
    if (match.type() == StringMatch.Type.PRESENT) {
      return uri;
    }
    if (match.type() != StringMatch.Type.PREFIX || match.value().indexOf('?') >= 0) {
      problems.error(hp, "':path' matched by " + match + " (expected: a prefix without '?' or present_match; :path "
          + "carries the query and the route's path match does not, so only such a prefix means the same; match the "
          + "path with the route's prefix, path or safe_regex)");
      return uri;
    }
    if (m.hasCaseSensitive() && !m.getCaseSensitive().getValue()) {
      problems.error(hp, "':path' prefix on a route with case_sensitive: false (expected: case_sensitive unset or true; "
          + "the header matcher is case-sensitive, the route's path match would not be)");
      return uri;
    }
    if (uri != null) {
      problems.error(hp, "':path' prefix '" + match.value() + "' on a route that also matches the path " + uri
          + " (expected: one path condition per route, or the route's prefix '/')");
      return uri;
    }
    return StringMatch.prefix(match.value());
  }

  /**
   * A route header matcher's name as Envoy accepts it (non-empty, no NUL, CR or LF, and at most
   * {@link HeaderNames#MAX_LENGTH} characters, Meshlet's bound), lower-cased. A name that is not an
   * HTTP token (nor a pseudo-header) is kept with a warning: no request can carry it, so the matcher
   * sees the header absent, as Envoy's does.
   */
  static @Nullable String routeHeaderName(String name, String path, Problems problems) {
    String problem = HeaderNames.problem(name);
    if (problem == null) {
      return name.toLowerCase(Locale.ROOT);
    }
    if (name.isEmpty() || name.length() > HeaderNames.MAX_LENGTH) {
      problems.error(path, problem);
      return null;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == 0 || c == '\r' || c == '\n') {
        problems.error(path, "'" + name.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0")
            + "' (expected: a header name without NUL, CR or LF)");
        return null;
      }
    }
    problems.warning(path, "'" + name + "' is not an HTTP header token (RFC 7230): no request can carry this header, so "
        + "the matcher sees it absent, as Envoy's does");
    return name.toLowerCase(Locale.ROOT);
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
