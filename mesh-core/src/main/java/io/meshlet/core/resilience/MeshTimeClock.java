package io.meshlet.core.resilience;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A {@link Clock} on a {@link MeshTime}, for Resilience4j objects that take a clock. Its epoch is arbitrary. */
final class MeshTimeClock extends Clock {
  private final MeshTime time;

  MeshTimeClock(MeshTime time) {
    this.time = time;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return Math.floorDiv(time.nanoTime(), 1_000_000L);
  }

  @Override
  public Instant instant() {
    long nanos = time.nanoTime();
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
