package io.meshlet.core.model;

import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code HTTPRedirect}. {@code port} 0 keeps the default; {@code derivePort} copies the
 * request's. {@code uri} replaces the whole path; {@code prefixRewrite} (not with {@code uri}, and
 * only with uri prefix matches, as Istio requires) replaces the prefix the matching block matched.
 */
public record HttpRedirect(
    @Nullable String uri,
    @Nullable String authority,
    int port,
    @Nullable DerivePort derivePort,
    @Nullable String scheme,
    int redirectCode,
    @Nullable String prefixRewrite) {

  public static final int DEFAULT_REDIRECT_CODE = 301;

  /** A redirect without {@code prefixRewrite}. */
  public HttpRedirect(
      @Nullable String uri, @Nullable String authority, int port, @Nullable DerivePort derivePort, @Nullable String scheme,
      int redirectCode) {
    this(uri, authority, port, derivePort, scheme, redirectCode, null);
  }

  public enum DerivePort {
    FROM_PROTOCOL_DEFAULT,
    FROM_REQUEST_PORT
  }
}
