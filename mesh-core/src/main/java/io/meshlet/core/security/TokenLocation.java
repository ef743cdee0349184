package io.meshlet.core.security;

import io.meshlet.core.model.RequestAuthentication.JwtRule;
import io.meshlet.core.model.RequestAuthentication.TokenHeader;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where a token is read from: a header after its prefix ({@code Authorization: Bearer <token>}), a
 * query parameter or a cookie, as Envoy's {@code jwt_authn} extractor reads them. The one token
 * extractor: the HTTP and the gRPC server only supply headers (and the servlet the query string)
 * through {@link InboundRequest}. Reading allocates only when the location holds a token.
 */
record TokenLocation(Kind kind, String name, String prefix) {
  enum Kind {
    HEADER, PARAM, COOKIE
  }

  /** The rule's locations; with none given, Istio's defaults ({@code Authorization: Bearer}, {@code access_token}). */
  static List<TokenLocation> of(JwtRule rule) {
    List<TokenLocation> out = new ArrayList<>();
    if (rule.defaultLocations()) {
      out.add(new TokenLocation(Kind.HEADER, JwtRule.DEFAULT_HEADER.name(), JwtRule.DEFAULT_HEADER.prefix()));
      out.add(new TokenLocation(Kind.PARAM, JwtRule.DEFAULT_PARAM, ""));
      return out;
    }
    for (TokenHeader h : rule.fromHeaders()) {
      out.add(new TokenLocation(Kind.HEADER, h.name(), h.prefix()));
    }
    for (String p : rule.fromParams()) {
      out.add(new TokenLocation(Kind.PARAM, p, ""));
    }
    for (String c : rule.fromCookies()) {
      out.add(new TokenLocation(Kind.COOKIE, c, ""));
    }
    return out;
  }

  /** The token at this location of {@code r}, or null. */
  @Nullable String read(InboundRequest r) {
    return switch (kind) {
      case HEADER -> {
        String v = r.header(name);
        if (v == null || !v.regionMatches(true, 0, prefix, 0, prefix.length())) {
          yield null;
        }
        String token = v.substring(prefix.length()).strip();
        yield token.isEmpty() ? null : token;
      }
      case PARAM -> param(r.query(), name);
      case COOKIE -> cookie(r.headers("cookie"), name);
    };
  }

  /** True for a header location: the header to remove when the token is not forwarded. */
  boolean isHeader() {
    return kind == Kind.HEADER;
  }

  private static @Nullable String param(@Nullable String query, String name) {
    String v = QueryString.first(query, name);
    return v == null || v.isEmpty() ? null : v;
  }

  private static @Nullable String cookie(List<String> lines, String name) {
    for (String line : lines) {
      for (String part : line.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
          String v = part.substring(eq + 1).strip();
          if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
          }
          return v.isEmpty() ? null : v;
        }
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case HEADER -> "header " + name + (prefix.isEmpty() ? "" : " (prefix '" + prefix + "')");
      case PARAM -> "query parameter " + name;
      case COOKIE -> "cookie " + name;
    };
  }
}
