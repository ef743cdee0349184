package io.meshlet.core.config.istio;

import java.util.Collection;

/** Turns an unknown field into a hint: the closest known name if one is close, else the list of known names. */
final class FieldSuggestion {
  private static final int MAX_LISTED = 12;

  private FieldSuggestion() {}

  /** {@code " (did you mean exact?)"}, {@code " (expected one of: exact, prefix, regex)"} or empty. */
  static String hint(String unknown, Collection<String> known) {
    if (known.isEmpty()) {
      return "";
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(unknown.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.max(1, Math.min(3, (best.length() + 2) / 3))) {
      return " (did you mean " + best + "?)";
    }
    if (known.size() > MAX_LISTED) {
      return "";
    }
    return " (expected one of: " + String.join(", ", known) + ")";
  }

  /** Levenshtein distance, with a transposition counted as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
