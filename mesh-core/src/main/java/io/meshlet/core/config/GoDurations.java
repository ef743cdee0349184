package io.meshlet.core.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Go/Istio style durations: {@code 10s}, {@code 1.5s}, {@code 100ms}, {@code 1h30m}, {@code 250us}.
 * The one parser of them for every translator that reads Go durations (Istio YAML, Consul's config
 * entries).
 */
public final class GoDurations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ms|us|µs|ns|h|m|s)");

  private GoDurations() {}

  /** The duration, or null if {@code text} is not one. */
  public static @Nullable Duration parse(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      return null;
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (end < s.length()) {
      if (!m.find(end) || m.start() != end) {
        return null;
      }
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
      end = m.end();
    }
    try {
      return Duration.ofNanos(nanos.longValueExact());
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static long unitNanos(String unit) {
    switch (unit) {
      case "h":
        return 3_600_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "s":
        return 1_000_000_000L;
      case "ms":
        return 1_000_000L;
      case "us":
      case "µs":
        return 1_000L;
      default:
        return 1L;
    }
  }
}
