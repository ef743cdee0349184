package io.meshlet.core.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Every regex of config, whichever the source: Google RE2 syntax and semantics (RE2/J), as Envoy's
 * {@code safe_regex} and Istio's {@code regex} define them. Matching takes time linear in the input,
 * so no config can hang a request thread, and a pattern means what it means in Istio. Patterns are
 * bounded in length, checked once by the translators and compiled once by the compiler.
 */
public final class Regexes {
  /** The longest pattern accepted, in characters. */
  public static final int MAX_LENGTH = 1024;

  private Regexes() {}

  /** Why {@code regex} is refused, or null when it is a valid RE2 pattern within {@link #MAX_LENGTH}. */
  public static @Nullable String problem(String regex) {
    if (regex.length() > MAX_LENGTH) {
      return regex.length() + " characters (expected: a regex of at most " + MAX_LENGTH + ")";
    }
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return "'" + regex + "' (expected: a valid RE2 regex; " + e.getDescription() + ")";
    }
  }

  /** {@code regex}, already checked by {@link #problem}, compiled; case-insensitive if asked. */
  public static Pattern compile(String regex, boolean ignoreCase) {
    if (regex.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("regex of " + regex.length() + " characters (expected: at most " + MAX_LENGTH + ")");
    }
    return Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
  }

  /** {@code text} as a pattern that matches it literally. */
  public static String quote(String text) {
    return Pattern.quote(text);
  }
}
