package io.meshlet.core.explain;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.routing.RequestView;
import io.meshlet.core.security.QueryString;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A request described by hand, for {@code Mesh.explain}: a method, a URL and headers. */
public final class ExplainRequest implements RequestView {
  private final String method;
  private final URI uri;
  private final String scheme;
  private final String host;
  private final int port;
  private final String path;
  private final Map<String, String> headers;
  private final Map<String, String> query;

  private ExplainRequest(String method, URI uri, Map<String, String> headers) {
    this.method = method.toUpperCase(Locale.ROOT);
    this.uri = uri;
    this.scheme = uri.getScheme() == null ? "http" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("url: " + uri + " (expected: an absolute URL like http://reviews:9080/)");
    }
    this.host = uri.getHost().toLowerCase(Locale.ROOT);
    this.port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    this.path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    Map<String, String> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
    this.headers = Map.copyOf(h);
    this.query = QueryString.parse(uri.getRawQuery());
  }

  public static ExplainRequest of(String method, String url, Map<String, String> headers) {
    requireNonNull(method, "method");
    requireNonNull(url, "url");
    requireNonNull(headers, "headers");
    return new ExplainRequest(method, URI.create(url), headers);
  }

  public static ExplainRequest get(String url) {
    return of("GET", url, Map.of());
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String authority() {
    String h = headers.get("host");
    if (h != null) {
      return h;
    }
    boolean defaultPort = (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
    return defaultPort ? host : host + ":" + port;
  }

  @Override
  public @Nullable String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  @Override
  public @Nullable String queryParameter(String name) {
    return query.get(name);
  }

  public @Nullable String rawQuery() {
    return uri.getRawQuery();
  }

  @Override
  public String toString() {
    return method + " " + uri + (headers.isEmpty() ? "" : " " + headers);
  }
}
