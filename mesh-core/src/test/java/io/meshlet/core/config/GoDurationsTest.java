package io.meshlet.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationsTest {
  @Test
  void goStyleDurations() {
    assertThat(GoDurations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(GoDurations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(GoDurations.parse("100ms")).isEqualTo(Duration.ofMillis(100));
    assertThat(GoDurations.parse("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(GoDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDurations.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(GoDurations.parse("2m0.5s")).isEqualTo(Duration.ofMillis(120_500));
    assertThat(GoDurations.parse("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void notDurations() {
    assertThat(GoDurations.parse("10 seconds")).isNull();
    assertThat(GoDurations.parse("10")).isNull();
    assertThat(GoDurations.parse("s")).isNull();
    assertThat(GoDurations.parse("-1s")).isNull();
    assertThat(GoDurations.parse("")).isNull();
    assertThat(GoDurations.parse("1.5ns")).isNull();
  }
}
