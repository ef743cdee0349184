package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

/**
 * One mirror of a rule ({@code mirror} + {@code mirrorPercentage}, or one of {@code mirrors}): a copy
 * of each request it draws is sent to {@code destination}, fire and forget.
 *
 * @param millionths the share of requests mirrored, in millionths ({@code 1_000_000} is every request),
 *     as Envoy's {@code runtime_fraction} with denominator {@code MILLION}
 */
public record MirrorPolicy(Destination destination, int millionths) {
  /** Every request. */
  public static final int ALL = 1_000_000;

  public MirrorPolicy {
    requireNonNull(destination, "destination");
    if (millionths < 0 || millionths > ALL) {
      throw new IllegalArgumentException("millionths: " + millionths + " (expected: 0.." + ALL + ")");
    }
  }

  /** Istio's percent ({@code 0..100}, fractions allowed) in millionths. */
  public static int fromPercent(double percent) {
    return (int) Math.round(percent * 10_000);
  }

  /** The share as a percent, for display. */
  public double percent() {
    return millionths / 10_000.0;
  }

  @Override
  public String toString() {
    return destination + " " + percent() + "%";
  }
}
