package io.meshlet.core.resilience;

import java.time.Duration;

/** Durations as Istio's YAML writes them: {@code 2s}, {@code 250ms}, {@code 1m30s}. */
final class Durations {
  private Durations() {}

  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0 || ms == 0) {
      return d.toNanos() % 1_000_000 == 0 ? ms + "ms" : d.toNanos() / 1000 + "us";
    }
    long s = ms / 1000;
    if (s % 60 != 0 || s < 60) {
      return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }
    return (s / 60) + "m";
  }
}
