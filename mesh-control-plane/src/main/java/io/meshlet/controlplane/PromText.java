package io.meshlet.controlplane;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads Prometheus's text exposition format (what {@code PrometheusMeterRegistry.scrape()} and any
 * {@code /metrics} endpoint write), keeping only the samples of the named metrics and of them only
 * the named labels, at most {@code maxSeries} series (the rest are counted in {@link Result#dropped}).
 * Samples whose kept labels are equal are summed (the labels dropped told them apart).
 */
final class PromText {
  /** A sample's identity: its metric name and kept labels. */
  record Key(String metric, Map<String, String> labels) {}

  record Result(Map<Key, Double> samples, int dropped) {}

  private PromText() {}

  static Result read(BufferedReader in, Map<String, List<String>> keep, int maxSeries, long maxBytes) throws IOException {
    Map<Key, Double> out = new HashMap<>();
    int dropped = 0;
    long read = 0;
    String line;
    while ((line = in.readLine()) != null) {
      read += line.length() + 1;
      if (read > maxBytes) {
        throw new IOException("more than " + maxBytes + " bytes of metrics");
      }
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      int nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
      if (nameEnd <= 0) {
        continue;
      }
      String name = line.substring(0, nameEnd);
      List<String> labelNames = keep.get(name);
      if (labelNames == null) {
        continue;
      }
      Map<String, String> labels = new TreeMap<>();
      int i = nameEnd;
      if (line.charAt(i) == '{') {
        i = labels(line, i + 1, labels, Set.copyOf(labelNames));
        if (i < 0) {
          continue; // malformed
        }
      }
      String rest = line.substring(i).trim();
      int sp = rest.indexOf(' ');
      double value;
      try {
        value = parse(sp < 0 ? rest : rest.substring(0, sp));
      } catch (NumberFormatException e) {
        continue;
      }
      Key key = new Key(name, labels);
      if (!out.containsKey(key) && out.size() >= maxSeries) {
        dropped++;
        continue;
      }
      out.merge(key, value, Double::sum);
    }
    return new Result(out, dropped);
  }

  /** Parses {@code a="x",b="y"}} from {@code i}; returns the index after the closing brace, or -1. */
  private static int labels(String line, int i, Map<String, String> out, Set<String> keep) {
    StringBuilder value = new StringBuilder();
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '}') {
        return i + 1;
      }
      if (c == ',' || c == ' ') {
        i++;
        continue;
      }
      int eq = line.indexOf('=', i);
      if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
        return -1;
      }
      String name = line.substring(i, eq).trim();
      value.setLength(0);
      int j = eq + 2;
      for (; j < line.length(); j++) {
        char v = line.charAt(j);
        if (v == '\\' && j + 1 < line.length()) {
          char n = line.charAt(++j);
          value.append(n == 'n' ? '\n' : n);
        } else if (v == '"') {
          break;
        } else {
          value.append(v);
        }
      }
      if (j >= line.length()) {
        return -1;
      }
      if (keep.contains(name)) {
        out.put(name, value.toString());
      }
      i = j + 1;
    }
    return -1;
  }

  private static double parse(String s) {
    return switch (s) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }
}
