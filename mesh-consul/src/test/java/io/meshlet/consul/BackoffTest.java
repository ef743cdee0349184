package io.meshlet.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Jittered exponential backoff: each delay in [d/2, d], d doubling from the initial delay up to the cap. */
class BackoffTest {
  @Test
  void delaysDoubleWithJitterUpToTheCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), new SplittableRandom(7));
    long[] bounds = {100, 200, 400, 800, 1000, 1000};
    for (int failures = 1; failures <= bounds.length; failures++) {
      long d = bounds[failures - 1];
      for (int i = 0; i < 50; i++) {
        assertThat(backoff.delayMillis(failures)).isBetween(d / 2, d);
      }
    }
    assertThat(backoff.delayMillis(1_000)).isBetween(500L, 1000L);
  }

  @Test
  void theJitterSpreadsClientsApart() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(1));
    assertThat(java.util.stream.IntStream.range(0, 20).mapToLong(i -> backoff.delayMillis(3)).distinct().count())
        .isGreaterThan(10);
  }
}
