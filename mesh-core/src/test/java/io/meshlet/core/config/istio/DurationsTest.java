package io.meshlet.core.config.istio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void goStyleDurations() {
    assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("100ms")).isEqualTo(Duration.ofMillis(100));
    assertThat(Durations.parse("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(Durations.parse("2m0.5s")).isEqualTo(Duration.ofMillis(120_500));
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void notDurations() {
    assertThat(Durations.parse("10 seconds")).isNull();
    assertThat(Durations.parse("10")).isNull();
    assertThat(Durations.parse("s")).isNull();
    assertThat(Durations.parse("-1s")).isNull();
    assertThat(Durations.parse("")).isNull();
    assertThat(Durations.parse("1.5ns")).isNull();
  }
}
