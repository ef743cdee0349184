package io.meshlet.core.security;

import io.meshlet.core.identity.SpiffeId;
import org.jspecify.annotations.Nullable;

/**
 * One of Istio's match strings, compiled: exact, {@code prefix*}, {@code *suffix} or {@code *}
 * (any value, but not an absent one). Matching allocates nothing, principals included.
 */
final class MatchString {
  private enum Kind {
    EXACT,
    PREFIX,
    SUFFIX,
    ANY
  }

  private static final String NS = "/ns/";
  private static final String SA = "/sa/";

  private final String text;
  private final Kind kind;
  private final String value;
  private final boolean ignoreCase;

  private MatchString(String text, Kind kind, String value, boolean ignoreCase) {
    this.text = text;
    this.kind = kind;
    this.value = value;
    this.ignoreCase = ignoreCase;
  }

  static MatchString of(String text, boolean ignoreCase) {
    if (text.equals("*")) {
      return new MatchString(text, Kind.ANY, "", ignoreCase);
    }
    if (text.endsWith("*")) {
      return new MatchString(text, Kind.PREFIX, text.substring(0, text.length() - 1), ignoreCase);
    }
    if (text.startsWith("*")) {
      return new MatchString(text, Kind.SUFFIX, text.substring(1), ignoreCase);
    }
    return new MatchString(text, Kind.EXACT, text, ignoreCase);
  }

  boolean matches(@Nullable String s) {
    if (s == null) {
      return false;
    }
    int n = value.length();
    return switch (kind) {
      case ANY -> true;
      case EXACT -> s.length() == n && s.regionMatches(ignoreCase, 0, value, 0, n);
      case PREFIX -> s.regionMatches(ignoreCase, 0, value, 0, n);
      case SUFFIX -> s.length() >= n && s.regionMatches(ignoreCase, s.length() - n, value, 0, n);
    };
  }

  /** Matches against {@code id.principal()} ({@code td/ns/x/sa/y}) without building it. */
  boolean matchesPrincipal(@Nullable SpiffeId id) {
    if (id == null) {
      return false;
    }
    int length = principalLength(id);
    int n = value.length();
    return switch (kind) {
      case ANY -> true;
      case EXACT -> length == n && principalRegion(id, 0);
      case PREFIX -> length >= n && principalRegion(id, 0);
      case SUFFIX -> length >= n && principalRegion(id, length - n);
    };
  }

  private static int principalLength(SpiffeId id) {
    return id.trustDomain().length() + NS.length() + id.namespace().length() + SA.length()
        + id.serviceAccount().length();
  }

  private boolean principalRegion(SpiffeId id, int offset) {
    for (int i = 0; i < value.length(); i++) {
      if (principalChar(id, offset + i) != value.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static char principalChar(SpiffeId id, int i) {
    String td = id.trustDomain();
    if (i < td.length()) {
      return td.charAt(i);
    }
    i -= td.length();
    if (i < NS.length()) {
      return NS.charAt(i);
    }
    i -= NS.length();
    String ns = id.namespace();
    if (i < ns.length()) {
      return ns.charAt(i);
    }
    i -= ns.length();
    if (i < SA.length()) {
      return SA.charAt(i);
    }
    return id.serviceAccount().charAt(i - SA.length());
  }

  @Override
  public String toString() {
    return "'" + text + "'";
  }
}
