package io.meshlet.core.config.istio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The field rows of the hand-written tables in {@code docs/configuration.md}: under each kind's
 * heading, every table row whose first cell is one backticked field ({@code | `retries.attempts` | applied | ...}),
 * with its status cell. Rows naming several fields, or none, are not read.
 */
final class ReferenceTables {
  record FieldRow(String kind, String section, String field, String status, int line) {}

  /** Headings that start a kind's part of the page, and the heading level that ends it. */
  private static final Map<String, String> KIND_HEADINGS = Map.of(
      "## ServiceEntry", "ServiceEntry",
      "## VirtualService", "VirtualService",
      "## DestinationRule", "DestinationRule",
      "## Sidecar", "Sidecar",
      "### PeerAuthentication", "PeerAuthentication",
      "### AuthorizationPolicy", "AuthorizationPolicy",
      "### RequestAuthentication", "RequestAuthentication",
      "### CircuitBreaker", "CircuitBreaker",
      "### RateLimit", "RateLimit");
  private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z0-9_.\\[\\]]+)` \\| ([^|]+) \\|");

  private ReferenceTables() {}

  static List<FieldRow> rows(String markdown) {
    List<FieldRow> out = new ArrayList<>();
    String kind = null;
    int kindLevel = 0;
    String section = "";
    String[] lines = markdown.split("\n", -1);
    boolean fence = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("```")) {
        fence = !fence;
        continue;
      }
      if (fence) {
        continue;
      }
      if (line.startsWith("#")) {
        int level = line.indexOf(' ');
        String k = KIND_HEADINGS.get(line.strip());
        if (k != null) {
          kind = k;
          kindLevel = level;
          section = "";
        } else if (kind != null && level <= kindLevel) {
          kind = null;
        } else {
          section = line.substring(level + 1).strip();
        }
        continue;
      }
      Matcher m = ROW.matcher(line);
      if (kind != null && m.find()) {
        out.add(new FieldRow(kind, section, m.group(1), m.group(2).strip(), i + 1));
      }
    }
    return out;
  }

  /** The catalogue's status class of a status cell as the reference writes it, or null for a cell that is no status. */
  static String statusClass(String cell) {
    String c = cell.toLowerCase(java.util.Locale.ROOT);
    if (c.equals("applied")) {
      return "applied";
    }
    if (c.startsWith("not supported in-process")) {
      return "not supported in-process";
    }
    if (c.contains("not applied") || c.contains("not yet applied") || c.contains("not used") || c.contains("no effect")) {
      return "parsed, not applied";
    }
    return null;
  }
}
