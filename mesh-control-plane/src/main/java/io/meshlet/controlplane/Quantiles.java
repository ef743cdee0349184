package io.meshlet.controlplane;

import java.util.Map;
import java.util.TreeMap;

/** Prometheus's {@code histogram_quantile}: a quantile from cumulative bucket rates by upper bound ({@code le}). */
final class Quantiles {
  private Quantiles() {}

  /**
   * The {@code q} quantile of the histogram whose cumulative rates by {@code le} are given ({@code
   * +Inf} included), interpolated linearly inside the bucket it falls in, as Prometheus does; NaN
   * when the histogram is empty. A quantile in the {@code +Inf} bucket is the highest finite bound.
   */
  static double quantile(double q, Map<String, Double> byLe) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    byLe.forEach((le, v) -> {
      double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
      buckets.merge(bound, v, Double::sum);
    });
    if (buckets.isEmpty() || buckets.lastKey() != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    double total = buckets.lastEntry().getValue();
    if (!(total > 0)) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      double count = Math.max(b.getValue(), lowerCount); // cumulative counts never fall (rates of a reset can)
      if (count >= rank) {
        if (b.getKey() == Double.POSITIVE_INFINITY) {
          return lowerBound;
        }
        double inBucket = count - lowerCount;
        return inBucket <= 0 ? b.getKey() : lowerBound + (b.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = b.getKey();
      lowerCount = count;
    }
    return lowerBound;
  }
}
