package io.meshlet.consul;

import io.meshlet.core.config.HeaderNames;
import io.meshlet.core.config.Regexes;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.RetryPolicy;
import io.meshlet.core.model.StringMatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A {@code service-router} entry, validated: its routes in order, each a match and a destination. */
record Router(String service, List<Route> routes) {
  record Route(HttpMatch match, Resolver.Target target, boolean subsetGiven, @Nullable String prefixRewrite,
      @Nullable Duration timeout, @Nullable RetryPolicy retries, HeaderOperations headers) {}

  static Router parse(JsonFields e, String service) {
    List<Route> routes = new ArrayList<>();
    for (JsonFields r : e.objects("Routes")) {
      JsonFields m = r.object("Match");
      HttpMatch match = HttpMatch.any();
      if (m != null) {
        JsonFields http = m.object("HTTP");
        if (http != null) {
          match = match(http);
        }
        m.finish();
      }
      JsonFields d = r.object("Destination");
      Route route = d == null
          ? new Route(match, new Resolver.Target(service, null), false, null, null, null, HeaderOperations.NONE)
          : destination(d, match, service);
      r.finish();
      routes.add(route);
    }
    return new Router(service, routes);
  }

  private static HttpMatch match(JsonFields h) {
    EntryProblems p = h.problems();
    List<StringMatch> uris = new ArrayList<>();
    String exact = h.string("PathExact");
    String prefix = h.string("PathPrefix");
    String regex = regex(h, "PathRegex");
    if (exact != null) {
      uris.add(StringMatch.exact(exact));
    }
    if (prefix != null) {
      uris.add(StringMatch.prefix(prefix));
    }
    if (regex != null) {
      uris.add(StringMatch.regex(regex));
    }
    if (uris.size() > 1) {
      p.error(h.path("PathExact"), "more than one of PathExact, PathPrefix, PathRegex (expected: at most one)");
    }
    Map<String, StringMatch> headers = new LinkedHashMap<>();
    Map<String, StringMatch> without = new LinkedHashMap<>();
    for (JsonFields hd : h.objects("Header")) {
      String name = hd.string("Name");
      StringMatch sm = valueMatch(hd, true);
      boolean invert = hd.bool("Invert");
      hd.finish();
      String why = name == null ? "none (expected: a header name)" : HeaderNames.problem(name);
      if (why != null) {
        p.error(hd.path("Name"), why);
      } else if (sm != null && (invert ? without : headers).putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), sm) != null) {
        p.error(hd.path("Name"), name + " matched twice (expected: one match per header)");
      }
    }
    Map<String, StringMatch> query = new LinkedHashMap<>();
    for (JsonFields q : h.objects("QueryParam")) {
      String name = q.string("Name");
      StringMatch sm = valueMatch(q, false);
      q.finish();
      if (name == null) {
        p.error(q.path("Name"), "none (expected: a query parameter name)");
      } else if (sm != null && query.putIfAbsent(name, sm) != null) {
        p.error(q.path("Name"), name + " matched twice (expected: one match per parameter)");
      }
    }
    List<String> methods = h.strings("Methods");
    StringMatch method = methods.isEmpty() ? null : methods.size() == 1 ? StringMatch.exact(methods.get(0))
        : StringMatch.regex(String.join("|", methods.stream().map(Regexes::quote).toList()));
    h.finish();
    return new HttpMatch(null, uris.isEmpty() ? null : uris.get(0), null, method, null, headers, without, query, 0, false,
        Map.of(), null, List.of());
  }

  /** {@code Present}, {@code Exact}, {@code Prefix}, {@code Suffix} (headers only) or {@code Regex}: exactly one. */
  private static @Nullable StringMatch valueMatch(JsonFields f, boolean header) {
    List<StringMatch> given = new ArrayList<>();
    if (f.bool("Present")) {
      given.add(StringMatch.present());
    }
    String exact = f.string("Exact");
    if (exact != null) {
      given.add(StringMatch.exact(exact));
    }
    if (header) {
      String prefix = f.string("Prefix");
      if (prefix != null) {
        given.add(StringMatch.prefix(prefix));
      }
      String suffix = f.string("Suffix");
      if (suffix != null) {
        given.add(StringMatch.regex(".*" + Regexes.quote(suffix)));
      }
    }
    String regex = regex(f, "Regex");
    if (regex != null) {
      given.add(StringMatch.regex(regex));
    }
    if (given.size() != 1) {
      f.problems().error(f.path("Exact"), given.size() + " matches given (expected: exactly one of Present, Exact, "
          + (header ? "Prefix, Suffix, " : "") + "Regex)");
      return null;
    }
    return given.get(0);
  }

  private static @Nullable String regex(JsonFields f, String field) {
    String r = f.string(field);
    if (r == null) {
      return null;
    }
    String why = Regexes.problem(r);
    if (why != null) {
      f.problems().error(f.path(field), why);
      return null;
    }
    return r;
  }

  private static Route destination(JsonFields d, HttpMatch match, String service) {
    EntryProblems p = d.problems();
    String to = d.string("Service");
    String subset = d.string("ServiceSubset");
    d.notYetApplied("Namespace", "Partition", "IdleTimeout");
    String rewrite = d.string("PrefixRewrite");
    if (rewrite != null && (match.uri() == null || match.uri().type() == StringMatch.Type.REGEX)) {
      p.error(d.path("PrefixRewrite"), "'" + rewrite + "' without PathExact or PathPrefix (expected: a path match to rewrite)");
      rewrite = null;
    }
    Duration timeout = Resolver.duration(d, "RequestTimeout");
    Integer num = d.integer("NumRetries", 0, 1_000);
    boolean onConnectFailure = d.bool("RetryOnConnectFailure");
    Set<Integer> codes = new LinkedHashSet<>(d.integers("RetryOnStatusCodes", 100, 599));
    Set<RetryPolicy.Condition> on = EnumSet.noneOf(RetryPolicy.Condition.class);
    List<String> retryOn = d.strings("RetryOn");
    for (int i = 0; i < retryOn.size(); i++) {
      RetryPolicy.Condition c = RetryPolicy.Condition.of(retryOn.get(i));
      if (c == null) {
        p.error(d.path("RetryOn") + "[" + i + "]", "'" + retryOn.get(i) + "' (expected: an Envoy retry condition such as 5xx, "
            + "gateway-error, reset, connect-failure, retriable-status-codes)");
      } else {
        on.add(c);
      }
    }
    if (onConnectFailure) {
      on.add(RetryPolicy.Condition.CONNECT_FAILURE);
    }
    if (!codes.isEmpty()) {
      on.add(RetryPolicy.Condition.RETRIABLE_STATUS_CODES);
    }
    RetryPolicy retries = null;
    if (num != null || !on.isEmpty()) {
      int attempts = num != null ? num : 1; // Envoy's num_retries default
      retries = attempts == 0 || on.isEmpty() ? RetryPolicy.NONE
          : new RetryPolicy(attempts, null, on, codes, false, null, false);
    }
    HeaderOperations headers = new HeaderOperations(Splitter.headers(d, "RequestHeaders"), Splitter.headers(d, "ResponseHeaders"));
    d.finish();
    return new Route(match, new Resolver.Target(to != null ? to : service, subset), subset != null, rewrite, timeout, retries,
        headers);
  }
}
