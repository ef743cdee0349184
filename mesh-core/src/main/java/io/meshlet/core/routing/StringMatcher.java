package io.meshlet.core.routing;

import io.meshlet.core.model.StringMatch;
import java.util.Locale;
import com.google.re2j.Pattern;
import io.meshlet.core.config.Regexes;
import org.jspecify.annotations.Nullable;

/** A compiled {@link StringMatch}; regexes (RE2, linear time) are compiled once and must match the whole value. */
final class StringMatcher {
  private final StringMatch match;
  private final boolean ignoreCase;
  private final @Nullable Pattern pattern;

  StringMatcher(StringMatch match, boolean ignoreCase) {
    this.match = match;
    this.ignoreCase = ignoreCase;
    this.pattern = match.type() == StringMatch.Type.REGEX
        ? Regexes.compile(match.value(), ignoreCase)
        : null;
  }

  /** True when {@code value} satisfies the match; an absent value never does. */
  boolean matches(@Nullable String value) {
    if (value == null) {
      return false;
    }
    switch (match.type()) {
      case EXACT:
        return ignoreCase ? value.equalsIgnoreCase(match.value()) : value.equals(match.value());
      case PREFIX:
        return value.regionMatches(ignoreCase, 0, match.value(), 0, match.value().length());
      case REGEX:
        return pattern.matches(value);
      case PRESENT:
      default:
        return true;
    }
  }

  StringMatch model() {
    return match;
  }

  /** The prefix length this match consumed, for prefix rewrites; -1 when it is not a prefix match. */
  int prefixLength() {
    return match.type() == StringMatch.Type.PREFIX ? match.value().length() : -1;
  }

  @Override
  public String toString() {
    String s = match.toString();
    return ignoreCase ? s + " (ignoring case)" : s;
  }

  static String describe(@Nullable String value) {
    return value == null ? "absent" : "'" + value + "'";
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
