package io.meshlet.perf;

import io.meshlet.core.routing.RequestView;
import org.jspecify.annotations.Nullable;

/** A request built once in setup; every accessor returns a field, so the harness allocates nothing per call. */
final class BenchRequest implements RequestView {
  private final String host;
  private final int port;
  private final String path;
  private final String authority;
  private final String[] headerNames;
  private final String[] headerValues;

  /** {@code headers} alternates lower-case names and values. */
  BenchRequest(String host, int port, String path, String... headers) {
    this.host = host;
    this.port = port;
    this.path = path;
    this.authority = host + ":" + port;
    this.headerNames = new String[headers.length / 2];
    this.headerValues = new String[headers.length / 2];
    for (int i = 0; i < headerNames.length; i++) {
      headerNames[i] = headers[2 * i];
      headerValues[i] = headers[2 * i + 1];
    }
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public String scheme() {
    return "http";
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
    return authority;
  }

  @Override
  public @Nullable String header(String lowerCaseName) {
    for (int i = 0; i < headerNames.length; i++) {
      if (headerNames[i].equals(lowerCaseName)) {
        return headerValues[i];
      }
    }
    return null;
  }

  @Override
  public @Nullable String queryParameter(String name) {
    return null;
  }

  @Override
  public String toString() {
    return "GET http://" + authority + path;
  }
}
