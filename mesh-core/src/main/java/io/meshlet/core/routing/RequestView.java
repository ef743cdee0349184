package io.meshlet.core.routing;

import org.jspecify.annotations.Nullable;

/**
 * What routing needs to know of one request, read straight from the adapter's own request object
 * (no copy). Implementations must answer without allocating where they can.
 */
public interface RequestView {
  /** {@code GET}, {@code POST}, ... */
  String method();

  /** {@code http} or {@code https}. */
  String scheme();

  /** The host the caller asked for, as written: {@code reviews}, {@code reviews.default.svc.cluster.local}. */
  String host();

  /** The port the caller asked for (the scheme's default when none was written). */
  int port();

  /** The path without the query string, starting with {@code /}. */
  String path();

  /** The value of the authority ({@code Host}) header as it will be sent: {@code reviews:9080}. */
  String authority();

  /** The first value of a header, looked up by lower-case name; null when absent. */
  @Nullable String header(String lowerCaseName);

  /** The first value of a query parameter, decoded; null when absent. */
  @Nullable String queryParameter(String name);
}
