package io.meshlet.core.routing;

import io.meshlet.core.model.CorsPolicy;
import io.meshlet.core.model.StringMatch;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A rule's {@code corsPolicy} as Envoy's CORS filter ({@code envoy.filters.http.cors}) applies it:
 * a request with an {@code Origin} the policy allows is a CORS request; an {@code OPTIONS} one with
 * {@code Access-Control-Request-Method} is a preflight, answered here with 200 and the allow
 * headers; any other gets {@code Access-Control-Allow-Origin} (the request's origin),
 * {@code -Allow-Credentials} and {@code -Expose-Headers} on its response. A preflight from an
 * origin not allowed goes on to the application ({@code FORWARD}) or is answered 200 without CORS
 * headers ({@code IGNORE}); any other request from such an origin passes unchanged.
 */
public final class CompiledCors {
  public static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
  public static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
  public static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
  public static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
  public static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
  public static final String MAX_AGE = "Access-Control-Max-Age";

  /** What to do with one request. */
  public enum Outcome {
    /** Not a CORS request for this policy: pass it on unchanged. */
    NONE,
    /** A preflight the mesh answers itself: 200 with {@link #preflightHeaders}. */
    PREFLIGHT,
    /** A preflight from an origin not allowed, with {@code IGNORE}: 200 with no CORS header. */
    IGNORED_PREFLIGHT,
    /** An actual request from an allowed origin: pass it on, add {@link #responseHeaders} to its response. */
    ACTUAL
  }

  private final CorsPolicy model;
  private final StringMatcher[] origins;
  private final String allowMethods;
  private final String allowHeaders;
  private final String exposeHeaders;
  private final String maxAge;

  CompiledCors(CorsPolicy model) {
    this.model = model;
    this.origins = new StringMatcher[model.allowOrigins().size()];
    for (int i = 0; i < origins.length; i++) {
      origins[i] = new StringMatcher(model.allowOrigins().get(i), false);
    }
    this.allowMethods = String.join(",", model.allowMethods());
    this.allowHeaders = String.join(",", model.allowHeaders());
    this.exposeHeaders = String.join(",", model.exposeHeaders());
    this.maxAge = model.maxAge() == null ? "" : Long.toString(model.maxAge().toSeconds());
  }

  /** Envoy's {@code isOriginAllowed}: a match that accepts {@code *} allows every origin. */
  public boolean originAllowed(String origin) {
    for (StringMatcher m : origins) {
      if (m.matches("*") || m.matches(origin)) {
        return true;
      }
    }
    return false;
  }

  /** What this policy makes of a request with these method and headers. */
  public Outcome decide(RequestView request) {
    String origin = request.header("origin");
    if (origin == null || origin.isEmpty()) {
      return Outcome.NONE;
    }
    boolean preflight = isPreflight(request);
    if (!originAllowed(origin)) {
      return preflight && !model.forwardUnmatchedPreflights() ? Outcome.IGNORED_PREFLIGHT : Outcome.NONE;
    }
    return preflight ? Outcome.PREFLIGHT : Outcome.ACTUAL;
  }

  private static boolean isPreflight(RequestView request) {
    if (!request.method().equals("OPTIONS")) {
      return false;
    }
    String method = request.header("access-control-request-method");
    return method != null && !method.isEmpty();
  }

  /** The headers of the mesh's answer to an allowed preflight. */
  public Map<String, String> preflightHeaders(RequestView request) {
    Map<String, String> out = originAndCredentials(request);
    if (!allowMethods.isEmpty()) {
      out.put(ALLOW_METHODS, allowMethods.equals("*") ? request.header("access-control-request-method") : allowMethods);
    }
    if (!allowHeaders.isEmpty()) {
      String asked = request.header("access-control-request-headers");
      if (!allowHeaders.equals("*")) {
        out.put(ALLOW_HEADERS, allowHeaders);
      } else if (asked != null && !asked.isEmpty()) {
        out.put(ALLOW_HEADERS, asked);
      }
    }
    if (!maxAge.isEmpty()) {
      out.put(MAX_AGE, maxAge);
    }
    return out;
  }

  /** The headers added to the response of an actual CORS request. */
  public Map<String, String> responseHeaders(RequestView request) {
    Map<String, String> out = originAndCredentials(request);
    if (!exposeHeaders.isEmpty()) {
      out.put(EXPOSE_HEADERS, exposeHeaders);
    }
    return out;
  }

  /** What preflight answers and actual responses both carry: the request's origin, and credentials if allowed. */
  private Map<String, String> originAndCredentials(RequestView request) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(ALLOW_ORIGIN, request.header("origin"));
    if (model.allowCredentials()) {
      out.put(ALLOW_CREDENTIALS, "true");
    }
    return out;
  }

  public CorsPolicy model() {
    return model;
  }

  /** Why {@code origin} is or is not allowed, for explain. */
  public String describeOrigin(@Nullable String origin) {
    if (origin == null) {
      return "no Origin: not a CORS request";
    }
    for (StringMatcher m : origins) {
      if (m.matches("*") || m.matches(origin)) {
        return "origin '" + origin + "' allowed by " + m;
      }
    }
    return "origin '" + origin + "' matches none of " + model.allowOrigins().stream().map(StringMatch::toString).toList();
  }

  @Override
  public String toString() {
    return "cors " + model;
  }
}
