package io.meshlet.core.security;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A path template of {@code paths}/{@code notPaths} ({@code /api/{*}/items}, {@code /files/{**}}),
 * matched as Envoy's {@code uri_template} matcher that Istio generates for it: {@code {*}} is one
 * path segment (one or more of RFC 3986's {@code pchar}, no {@code /}), {@code {**}} zero or more
 * characters of {@code pchar} or {@code /} (so {@code /files/{**}} matches {@code /files/} and
 * {@code /files/a/b} but not {@code /files}); the rest must be equal. Validation is Istio's {@code
 * CheckValidPathTemplate}: operators are whole segments, {@code {**}} is the last operator, every
 * other segment is a literal of {@code pchar}. Matching allocates nothing.
 */
final class PathTemplate {
  static final String MATCH_ONE = "{*}";
  static final String MATCH_ANY = "{**}";

  private final String text;
  /** Literal text, or null for an operator ({@link #any} says which). */
  private final @Nullable String[] parts;
  private final boolean[] any;
  /** Length of the literals after {@code {**}}, or -1 without one. */
  private final int suffixLength;

  private PathTemplate(String text, @Nullable String[] parts, boolean[] any, int suffixLength) {
    this.text = text;
    this.parts = parts;
    this.any = any;
    this.suffixLength = suffixLength;
  }

  /** True if {@code value} has a {@code {*}} or {@code {**}} operator. */
  static boolean isTemplate(String value) {
    return value.contains(MATCH_ONE) || value.contains(MATCH_ANY);
  }

  /** Why {@code value} is not a path Istio accepts in {@code paths} when it has braces, or null. */
  static @Nullable String problem(String value) {
    boolean template = isTemplate(value);
    int from = 0;
    int to = value.length();
    while (from < to && value.charAt(from) == '/') {
      from++;
    }
    while (to > from && value.charAt(to - 1) == '/') {
      to--;
    }
    boolean foundAny = false;
    for (String glob : value.substring(from, to).split("/", -1)) {
      boolean one = glob.equals(MATCH_ONE);
      boolean many = glob.equals(MATCH_ANY);
      if ((one || many) && foundAny) {
        return "'" + value + "' (expected: {**} as the last operator of a path template)";
      }
      if (one || many) {
        foundAny |= many;
        continue;
      }
      if (glob.indexOf('{') >= 0 || glob.indexOf('}') >= 0) {
        return "'" + value + "' (expected: '{' and '}' only in the path templates {*} and {**}, each a whole segment)";
      }
      if (template && !literal(glob)) {
        return "'" + value + "' (expected: segment '" + glob + "' of a path template made of "
            + "a-z A-Z 0-9 - . _ ~ % ! $ & ' ( ) + , ; : @ =)";
      }
    }
    return null;
  }

  /** The template {@code value}, which must have passed {@link #problem} and be {@link #isTemplate}. */
  static PathTemplate of(String value) {
    String problem = problem(value);
    if (problem != null || !isTemplate(value)) {
      throw new IllegalArgumentException(problem != null ? problem : "'" + value + "' (expected: a path template)");
    }
    List<String> parts = new ArrayList<>();
    List<Boolean> any = new ArrayList<>();
    int i = 0;
    int literalStart = 0;
    while (i < value.length()) {
      boolean many = value.startsWith(MATCH_ANY, i);
      if (many || value.startsWith(MATCH_ONE, i)) {
        if (i > literalStart) {
          parts.add(value.substring(literalStart, i));
          any.add(false);
        }
        parts.add(null);
        any.add(many);
        i += many ? MATCH_ANY.length() : MATCH_ONE.length();
        literalStart = i;
      } else {
        i++;
      }
    }
    if (literalStart < value.length()) {
      parts.add(value.substring(literalStart));
      any.add(false);
    }
    boolean[] anyArray = new boolean[any.size()];
    int suffix = -1;
    for (int k = 0; k < anyArray.length; k++) {
      anyArray[k] = any.get(k);
      if (anyArray[k]) {
        suffix = 0;
      } else if (suffix >= 0 && parts.get(k) != null) {
        suffix += parts.get(k).length();
      }
    }
    return new PathTemplate(value, parts.toArray(new String[0]), anyArray, suffix);
  }

  boolean matches(@Nullable String path) {
    if (path == null) {
      return false;
    }
    int pos = 0;
    int i = 0;
    for (; i < parts.length && !any[i]; i++) {
      String literal = parts[i];
      if (literal != null) {
        if (!path.startsWith(literal, pos)) {
          return false;
        }
        pos += literal.length();
      } else {
        int start = pos;
        while (pos < path.length() && segmentChar(path.charAt(pos))) {
          pos++;
        }
        if (pos == start) {
          return false;
        }
      }
    }
    if (i == parts.length) {
      return pos == path.length();
    }
    int end = path.length() - suffixLength;
    if (end < pos) {
      return false;
    }
    for (int k = pos; k < end; k++) {
      char c = path.charAt(k);
      if (c != '/' && !segmentChar(c)) {
        return false;
      }
    }
    for (int k = i + 1; k < parts.length; k++) {
      String literal = parts[k];
      if (literal == null || !path.startsWith(literal, end)) {
        return false;
      }
      end += literal.length();
    }
    return true;
  }

  private static boolean literal(String glob) {
    if (glob.isEmpty()) {
      return false;
    }
    for (int i = 0; i < glob.length(); i++) {
      if (!segmentChar(glob.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** RFC 3986 {@code pchar} as Envoy's template matcher reads it: unreserved, {@code %}, sub-delims but {@code *}, {@code :}, {@code @}. */
  private static boolean segmentChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~%!$&'()+,;:@=".indexOf(c) >= 0;
  }

  @Override
  public String toString() {
    return "'" + text + "'";
  }
}
