package io.meshlet.core.config.istio;

import java.math.BigInteger;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** How values are shown in messages, and integer reading shared by fields and map entries. */
final class Values {
  private Values() {}

  /** The longest string value quoted whole in a message; a longer one is cut, with its length. */
  static final int MAX_QUOTED = 256;

  /** {@code 'text'} for strings (cut beyond {@link #MAX_QUOTED}), the literal for numbers and booleans, a word for the rest. */
  static String render(JsonNode n) {
    if (n.isString()) {
      String v = n.stringValue();
      return v.length() <= MAX_QUOTED ? "'" + v + "'" : "'" + v.substring(0, MAX_QUOTED) + "...' (" + v.length() + " characters)";
    }
    if (n.isNumber() || n.isBoolean()) {
      return n.toString();
    }
    if (n.isObject()) {
      return "a mapping";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isNull()) {
      return "null";
    }
    return n.toString();
  }

  static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /**
   * An optional sign and ASCII digits only: {@code BigInteger} and {@code Integer.parseInt} also take
   * other scripts' digits ({@code "٨٠"}, {@code "８０"}), which Istio refuses. Bounded in length.
   */
  static boolean isAsciiInteger(String s) {
    int start = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
    if (s.length() == start || s.length() > 40) {
      return false;
    }
    for (int i = start; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** An integer in {@code min..max}; protobuf JSON's quoted integers (ASCII digits) are accepted. */
  static @Nullable Long integer(Problems problems, String path, JsonNode n, long min, long max) {
    BigInteger v = null;
    if (n.isIntegralNumber()) {
      v = n.bigIntegerValue();
    } else if (n.isString() && isAsciiInteger(n.stringValue().trim())) {
      v = new BigInteger(n.stringValue().trim());
    }
    if (v == null) {
      problems.error(path, render(n) + " (expected: an integer " + min + ".." + max + ")");
      return null;
    }
    if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
      problems.error(path, v + " (expected: " + min + ".." + max + ")");
      return null;
    }
    return v.longValue();
  }
}
