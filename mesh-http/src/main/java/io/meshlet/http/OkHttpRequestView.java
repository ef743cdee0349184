package io.meshlet.http;

import io.meshlet.core.routing.RequestView;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/** Reads routing attributes straight from an OkHttp {@link Request}. */
final class OkHttpRequestView implements RequestView {
  private final Request request;
  private final HttpUrl url;
  /** OkHttp builds the encoded path anew on each call; routing asks for it once per rule tried. Read on first use. */
  private @Nullable String path;

  OkHttpRequestView(Request request) {
    this.request = request;
    this.url = request.url();
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public String scheme() {
    return url.scheme();
  }

  @Override
  public String host() {
    return url.host();
  }

  @Override
  public int port() {
    return url.port();
  }

  @Override
  public String path() {
    String p = path;
    if (p == null) {
      path = p = url.encodedPath();
    }
    return p;
  }

  @Override
  public String authority() {
    String host = request.header("Host");
    if (host != null) {
      return host;
    }
    return url.port() == HttpUrl.defaultPort(url.scheme()) ? url.host() : url.host() + ":" + url.port();
  }

  /** The first value, as the contract says (OkHttp's own {@code header()} returns the last). */
  @Override
  public @Nullable String header(String lowerCaseName) {
    Headers headers = request.headers();
    for (int i = 0, n = headers.size(); i < n; i++) {
      if (headers.name(i).equalsIgnoreCase(lowerCaseName)) {
        return headers.value(i);
      }
    }
    return null;
  }

  /** The first value; {@code ""} for a parameter written without one ({@code ?debug}), which OkHttp reports as null. */
  @Override
  public @Nullable String queryParameter(String name) {
    String value = url.queryParameter(name);
    if (value == null && url.querySize() > 0 && url.queryParameterNames().contains(name)) {
      return "";
    }
    return value;
  }

  @Override
  public String toString() {
    return request.method() + " " + url;
  }
}
