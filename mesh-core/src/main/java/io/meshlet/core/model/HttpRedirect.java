package io.meshlet.core.model;

import org.jspecify.annotations.Nullable;

/** Istio's {@code HTTPRedirect}. {@code port} 0 keeps the default; {@code derivePort} copies the request's. */
public record HttpRedirect(
    @Nullable String uri,
    @Nullable String authority,
    int port,
    @Nullable DerivePort derivePort,
    @Nullable String scheme,
    int redirectCode) {

  public static final int DEFAULT_REDIRECT_CODE = 301;

  public enum DerivePort {
    FROM_PROTOCOL_DEFAULT,
    FROM_REQUEST_PORT
  }
}
