package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/** Istio's {@code Destination}: a fully qualified host, an optional subset and port (0: the request's port). */
public record Destination(String host, @Nullable String subset, int port) {
  public Destination {
    requireNonNull(host, "host");
  }

  @Override
  public String toString() {
    return host + (port > 0 ? ":" + port : "") + (subset != null ? " subset " + subset : "");
  }
}
