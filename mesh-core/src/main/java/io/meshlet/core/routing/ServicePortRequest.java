package io.meshlet.core.routing;

import org.jspecify.annotations.Nullable;

/**
 * A request written without a port, seen on its service's one port ({@link
 * ServiceRoutes#withServicePort}); everything else is the caller's request unchanged, the authority
 * included (it is sent as written).
 */
final class ServicePortRequest implements RequestView {
  private final RequestView request;
  private final int port;

  ServicePortRequest(RequestView request, int port) {
    this.request = request;
    this.port = port;
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public String scheme() {
    return request.scheme();
  }

  @Override
  public String host() {
    return request.host();
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String path() {
    return request.path();
  }

  @Override
  public String authority() {
    return request.authority();
  }

  @Override
  public @Nullable String header(String lowerCaseName) {
    return request.header(lowerCaseName);
  }

  @Override
  public @Nullable String queryParameter(String name) {
    return request.queryParameter(name);
  }

  @Override
  public String toString() {
    return request + " (on the service's port " + port + ")";
  }
}
