package io.meshlet.core.routing;

import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.StringMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One compiled {@code match[]} block. {@link #matches} is the request path; {@link #mismatch} gives
 * the reason for explain. Both walk the same conditions in the same order so they cannot disagree.
 */
final class CompiledMatch {
  private final HttpMatch model;
  private final @Nullable StringMatcher uri;
  private final @Nullable StringMatcher scheme;
  private final @Nullable StringMatcher method;
  private final @Nullable StringMatcher authority;
  private final String[] headerNames;
  private final StringMatcher[] headerMatchers;
  private final String[] withoutHeaderNames;
  private final StringMatcher[] withoutHeaderMatchers;
  private final String[] queryNames;
  private final StringMatcher[] queryMatchers;
  private final int port;
  /** Why this block can never apply to this workload (source labels, namespace, gateways), or null. */
  private final @Nullable String inactiveReason;

  CompiledMatch(HttpMatch model, @Nullable String inactiveReason) {
    this.model = model;
    this.uri = compile(model.uri(), model.ignoreUriCase());
    this.scheme = compile(model.scheme(), false);
    this.method = compile(model.method(), false);
    this.authority = compile(model.authority(), false);
    this.headerNames = names(model.headers());
    this.headerMatchers = matchers(model.headers(), headerNames);
    this.withoutHeaderNames = names(model.withoutHeaders());
    this.withoutHeaderMatchers = matchers(model.withoutHeaders(), withoutHeaderNames);
    this.queryNames = names(model.queryParams());
    this.queryMatchers = matchers(model.queryParams(), queryNames);
    this.port = model.port();
    this.inactiveReason = inactiveReason;
  }

  boolean matches(RequestView req) {
    if (inactiveReason != null) {
      return false;
    }
    if (port != 0 && req.port() != port) {
      return false;
    }
    if (uri != null && !uri.matches(req.path())) {
      return false;
    }
    if (method != null && !method.matches(req.method())) {
      return false;
    }
    if (scheme != null && !scheme.matches(req.scheme())) {
      return false;
    }
    if (authority != null && !authority.matches(req.authority())) {
      return false;
    }
    for (int i = 0; i < headerNames.length; i++) {
      if (!headerMatchers[i].matches(req.header(headerNames[i]))) {
        return false;
      }
    }
    for (int i = 0; i < withoutHeaderNames.length; i++) {
      if (withoutHeaderMatchers[i].matches(req.header(withoutHeaderNames[i]))) {
        return false;
      }
    }
    for (int i = 0; i < queryNames.length; i++) {
      if (!queryMatchers[i].matches(req.queryParameter(queryNames[i]))) {
        return false;
      }
    }
    return true;
  }

  /** Every condition this request fails, in words; empty when it matches. */
  List<String> mismatch(RequestView req) {
    List<String> reasons = new ArrayList<>();
    if (inactiveReason != null) {
      reasons.add(inactiveReason);
      return reasons;
    }
    if (port != 0 && req.port() != port) {
      reasons.add("port " + req.port() + " is not " + port);
    }
    check(reasons, "uri", uri, req.path());
    check(reasons, "method", method, req.method());
    check(reasons, "scheme", scheme, req.scheme());
    check(reasons, "authority", authority, req.authority());
    for (int i = 0; i < headerNames.length; i++) {
      check(reasons, "header " + headerNames[i], headerMatchers[i], req.header(headerNames[i]));
    }
    for (int i = 0; i < withoutHeaderNames.length; i++) {
      String value = req.header(withoutHeaderNames[i]);
      if (withoutHeaderMatchers[i].matches(value)) {
        reasons.add("withoutHeaders " + withoutHeaderNames[i] + ": " + StringMatcher.describe(value)
            + " matches " + withoutHeaderMatchers[i]);
      }
    }
    for (int i = 0; i < queryNames.length; i++) {
      check(reasons, "query " + queryNames[i], queryMatchers[i], req.queryParameter(queryNames[i]));
    }
    return reasons;
  }

  /** The matched prefix's length if this block matched the uri by prefix, else -1. */
  int uriPrefixLength() {
    return uri == null ? -1 : uri.prefixLength();
  }

  HttpMatch model() {
    return model;
  }

  private static void check(List<String> reasons, String what, @Nullable StringMatcher m, @Nullable String value) {
    if (m != null && !m.matches(value)) {
      reasons.add(what + ": " + StringMatcher.describe(value) + " does not match " + m);
    }
  }

  private static @Nullable StringMatcher compile(@Nullable StringMatch m, boolean ignoreCase) {
    return m == null ? null : new StringMatcher(m, ignoreCase);
  }

  private static String[] names(Map<String, StringMatch> map) {
    return map.keySet().stream().sorted().toArray(String[]::new);
  }

  private static StringMatcher[] matchers(Map<String, StringMatch> map, String[] names) {
    StringMatcher[] out = new StringMatcher[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = new StringMatcher(map.get(names[i]), false);
    }
    return out;
  }
}
