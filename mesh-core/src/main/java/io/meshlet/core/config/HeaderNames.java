package io.meshlet.core.config;

import org.jspecify.annotations.Nullable;

/**
 * HTTP header names in config, as Istio validates them: an RFC 7230 token ({@code
 * !#$%&'*+-.^_`|~}, ASCII letters and digits) of at most {@link #MAX_LENGTH} characters, or an
 * HTTP/2 pseudo-header ({@code :authority}) as xDS writes them. Checked before anything lower-cases
 * them, so a long non-ASCII name costs nothing.
 */
public final class HeaderNames {
  /** The longest header name accepted. */
  public static final int MAX_LENGTH = 256;

  private HeaderNames() {}

  /** Why {@code name} is not a header name, or null when it is one. */
  public static @Nullable String problem(String name) {
    if (name.isEmpty()) {
      return "'' (expected: a header name)";
    }
    if (name.length() > MAX_LENGTH) {
      return name.length() + " characters (expected: a header name of at most " + MAX_LENGTH + ")";
    }
    for (int i = name.charAt(0) == ':' && name.length() > 1 ? 1 : 0; i < name.length(); i++) {
      if (!isTokenChar(name.charAt(i))) {
        return "'" + name + "' (expected: a header name, RFC 7230 token characters only)";
      }
    }
    return null;
  }

  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
