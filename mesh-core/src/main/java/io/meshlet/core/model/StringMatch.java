package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

/** Istio's {@code StringMatch}: exact, prefix or regex (RE2-style, whole-string match). */
public record StringMatch(Type type, String value) {
  public enum Type {
    EXACT,
    PREFIX,
    REGEX,
    /** An empty match ({@code {}}): the value only has to be present. */
    PRESENT
  }

  public StringMatch {
    requireNonNull(type, "type");
    requireNonNull(value, "value");
  }

  public static StringMatch exact(String value) {
    return new StringMatch(Type.EXACT, value);
  }

  public static StringMatch prefix(String value) {
    return new StringMatch(Type.PREFIX, value);
  }

  public static StringMatch regex(String value) {
    return new StringMatch(Type.REGEX, value);
  }

  public static StringMatch present() {
    return new StringMatch(Type.PRESENT, "");
  }

  @Override
  public String toString() {
    return type == Type.PRESENT ? "present" : type.name().toLowerCase(java.util.Locale.ROOT) + " '" + value + "'";
  }
}
