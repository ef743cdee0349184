package io.meshlet.consul;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter between reconnects: the n-th consecutive failure waits a random
 * time in {@code [d/2, d]} where {@code d = min(max, initial * 2^(n-1))}, so clients that lost the
 * same agent do not come back in step.
 */
record Backoff(Duration initial, Duration max, RandomGenerator random) {
  long delayMillis(int failures) {
    long base = initial.toMillis();
    long cap = max.toMillis();
    long d = base;
    for (int i = 1; i < failures && d < cap; i++) {
      d *= 2;
    }
    d = Math.min(d, cap);
    long half = d / 2;
    return half + (d - half > 0 ? random.nextLong(d - half + 1) : 0);
  }
}
