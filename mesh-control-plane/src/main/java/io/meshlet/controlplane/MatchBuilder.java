package io.meshlet.controlplane;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.StringMatch;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One {@link HttpMatch} as a RouteMatch, as istiod writes it: uri as prefix, path or safe_regex
 * ({@code /} when unset), headers and query parameters as string matchers, method, authority and
 * scheme as pseudo-headers, {@code withoutHeaders} inverted. The workload selectors
 * ({@code sourceLabels}, {@code sourceNamespace}, {@code gateways}) are decided by the caller.
 */
final class MatchBuilder {
  private MatchBuilder() {}

  static RouteMatch build(@Nullable HttpMatch m) {
    RouteMatch.Builder b = RouteMatch.newBuilder();
    StringMatch uri = m == null ? null : m.uri();
    if (uri == null || uri.type() == StringMatch.Type.PRESENT) {
      b.setPrefix("/");
    } else {
      switch (uri.type()) {
        case EXACT -> b.setPath(uri.value());
        case PREFIX -> b.setPrefix(uri.value());
        default -> b.setSafeRegex(regex(uri.value()));
      }
    }
    if (m == null) {
      return b.build();
    }
    if (m.ignoreUriCase()) {
      b.setCaseSensitive(BoolValue.of(false));
    }
    pseudo(b, ":method", m.method());
    pseudo(b, ":authority", m.authority());
    pseudo(b, ":scheme", m.scheme());
    for (Map.Entry<String, StringMatch> e : m.headers().entrySet()) {
      b.addHeaders(header(e.getKey(), e.getValue(), false));
    }
    for (Map.Entry<String, StringMatch> e : m.withoutHeaders().entrySet()) {
      b.addHeaders(header(e.getKey(), e.getValue(), true));
    }
    for (Map.Entry<String, StringMatch> e : m.queryParams().entrySet()) {
      QueryParameterMatcher.Builder q = QueryParameterMatcher.newBuilder().setName(e.getKey());
      if (e.getValue().type() == StringMatch.Type.PRESENT) {
        q.setPresentMatch(true);
      } else {
        q.setStringMatch(stringMatcher(e.getValue()));
      }
      b.addQueryParameters(q);
    }
    return b.build();
  }

  private static void pseudo(RouteMatch.Builder b, String name, @Nullable StringMatch match) {
    if (match != null) {
      b.addHeaders(header(name, match, false));
    }
  }

  private static HeaderMatcher header(String name, StringMatch match, boolean invert) {
    HeaderMatcher.Builder h = HeaderMatcher.newBuilder().setName(name).setInvertMatch(invert);
    if (match.type() == StringMatch.Type.PRESENT) {
      h.setPresentMatch(true);
    } else {
      h.setStringMatch(stringMatcher(match));
    }
    return h.build();
  }

  static StringMatcher stringMatcher(StringMatch match) {
    return switch (match.type()) {
      case EXACT -> StringMatcher.newBuilder().setExact(match.value()).build();
      case PREFIX -> StringMatcher.newBuilder().setPrefix(match.value()).build();
      default -> StringMatcher.newBuilder().setSafeRegex(regex(match.value())).build();
    };
  }

  static RegexMatcher regex(String regex) {
    return RegexMatcher.newBuilder().setRegex(regex).build();
  }
}
