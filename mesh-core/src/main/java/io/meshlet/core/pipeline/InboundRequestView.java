package io.meshlet.core.pipeline;

import io.meshlet.core.routing.RequestView;
import io.meshlet.core.security.InboundRequest;
import io.meshlet.core.security.QueryString;
import org.jspecify.annotations.Nullable;

/**
 * An inbound call seen as a request to this workload's own service, for matching that service's
 * rules on the server side (their {@code corsPolicy}): the host is the service's, the port the one
 * the call arrived on, query parameters from {@link InboundRequest#query()} (a gRPC call has none, so a
 * {@code queryParams} condition never matches it).
 */
final class InboundRequestView implements RequestView {
  private final InboundRequest request;
  private final String host;

  InboundRequestView(InboundRequest request, String host) {
    this.request = request;
    this.host = host;
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public String scheme() {
    return request.secure() ? "https" : "http";
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public int port() {
    return request.destinationPort();
  }

  @Override
  public String path() {
    return request.path();
  }

  @Override
  public String authority() {
    String h = request.header("host");
    return h != null ? h : request.host();
  }

  @Override
  public @Nullable String header(String lowerCaseName) {
    return request.header(lowerCaseName);
  }

  @Override
  public @Nullable String queryParameter(String name) {
    return QueryString.first(request.query(), name);
  }

  @Override
  public String toString() {
    return method() + " " + path() + " (inbound, as " + host + ")";
  }
}
