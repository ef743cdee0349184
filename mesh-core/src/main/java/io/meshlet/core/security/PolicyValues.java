package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The value rules of AuthorizationPolicy that translators check and the engine relies on: Istio's
 * match strings, the {@code when} keys, ports. Shared so that the YAML and the xDS translator refuse
 * exactly what the engine could not apply.
 */
public final class PolicyValues {
  /** The {@code when} keys Meshlet knows, as a message lists them. */
  public static final List<String> WHEN_KEYS = List.of(
      "request.headers[<name>]", "source.ip", "remote.ip", "source.namespace", "source.principal",
      "destination.ip", "destination.port", "connection.sni", "request.auth.principal",
      "request.auth.audiences", "request.auth.presenter", "request.auth.claims[<name>]");

  private PolicyValues() {}

  /**
   * Why {@code value} is not one of Istio's match strings (exact, {@code prefix*}, {@code *suffix}
   * or {@code *}), or null if it is one. Empty values are refused, as Istio refuses them.
   */
  public static @Nullable String matchStringProblem(String value) {
    requireNonNull(value, "value");
    if (value.isEmpty()) {
      return "'' (expected: a non-empty value)";
    }
    int star = value.indexOf('*');
    boolean ok = star < 0
        || value.equals("*")
        || (value.indexOf('*', star + 1) < 0 && (star == 0 || star == value.length() - 1));
    return ok ? null : "'" + value + "' (expected: an exact value, prefix*, *suffix or *; '*' only at the start or the end)";
  }

  /** True if {@code key} is a {@code when} key Meshlet knows ({@link #WHEN_KEYS}). */
  public static boolean isWhenKey(String key) {
    return switch (key) {
      case "source.ip", "remote.ip", "source.namespace", "source.principal", "destination.ip",
          "destination.port", "connection.sni", "request.auth.principal", "request.auth.audiences",
          "request.auth.presenter" -> true;
      default -> bracketName(key, "request.headers") != null || bracketName(key, "request.auth.claims") != null;
    };
  }

  /** True for keys that need a JWT ({@code request.auth.*}), which Meshlet does not validate. */
  public static boolean needsJwt(String key) {
    return key.startsWith("request.auth.");
  }

  /** True for keys whose attribute the server side does not know here ({@code destination.ip}, {@code connection.sni}). */
  public static boolean unknownHere(String key) {
    return key.equals("destination.ip") || key.equals("connection.sni");
  }

  /** {@code name} of {@code prefix[name]}, or null if {@code key} is not of that shape or the name is empty. */
  static @Nullable String bracketName(String key, String prefix) {
    if (key.length() > prefix.length() + 2 && key.startsWith(prefix) && key.charAt(prefix.length()) == '['
        && key.charAt(key.length() - 1) == ']') {
      return key.substring(prefix.length() + 1, key.length() - 1);
    }
    return null;
  }

  /** The port {@code value} names (1..65535), or -1. */
  public static int port(String value) {
    if (value.isEmpty() || value.length() > 5) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v >= 1 && v <= 65535 ? v : -1;
  }
}
