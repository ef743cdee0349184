package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

/** Istio's {@code Headers}: operations on the request and on the response. */
public record HeaderOperations(Headers request, Headers response) {
  public static final HeaderOperations NONE = new HeaderOperations(Headers.NONE, Headers.NONE);

  public HeaderOperations {
    requireNonNull(request, "request");
    requireNonNull(response, "response");
  }

  public boolean isEmpty() {
    return request.isEmpty() && response.isEmpty();
  }
}
