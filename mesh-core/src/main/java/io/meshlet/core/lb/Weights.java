package io.meshlet.core.lb;

/** Weight arithmetic shared by the balancers' constructors (control thread only). */
final class Weights {
  private Weights() {}

  static int[] of(Endpoint[] endpoints) {
    int[] weights = new int[endpoints.length];
    for (int i = 0; i < endpoints.length; i++) {
      weights[i] = endpoints[i].weight();
    }
    return weights;
  }

  static boolean allEqual(int[] weights) {
    for (int w : weights) {
      if (w != weights[0]) {
        return false;
      }
    }
    return true;
  }

  static long sum(int[] weights) {
    long sum = 0;
    for (int w : weights) {
      sum += w;
    }
    return sum;
  }

  /** Divides every weight by their greatest common divisor. */
  static int[] reduce(int[] weights) {
    int gcd = 0;
    for (int w : weights) {
      gcd = gcd(gcd, w);
    }
    int[] reduced = new int[weights.length];
    for (int i = 0; i < weights.length; i++) {
      reduced[i] = weights[i] / gcd;
    }
    return reduced;
  }

  /**
   * Scales weights down proportionally so that their sum is about {@code maxSum} at most, keeping
   * every weight at least 1 (so the sum may exceed {@code maxSum} when there are more weights than
   * that). Returns the input when it already fits.
   */
  static int[] capSum(int[] weights, long maxSum) {
    long sum = sum(weights);
    if (sum <= maxSum) {
      return weights;
    }
    double scale = (double) maxSum / sum;
    int[] scaled = new int[weights.length];
    for (int i = 0; i < weights.length; i++) {
      scaled[i] = (int) Math.max(1, Math.round(weights[i] * scale));
    }
    return scaled;
  }

  /** {@code cumulative[i]} is the sum of weights 0..i; the total must fit an int. */
  static int[] cumulative(int[] weights) {
    int[] cumulative = new int[weights.length];
    int running = 0;
    for (int i = 0; i < weights.length; i++) {
      running += weights[i];
      cumulative[i] = running;
    }
    return cumulative;
  }

  /** The index {@code i} with {@code cumulative[i-1] <= r < cumulative[i]}; {@code r} in [0, total). */
  static int search(int[] cumulative, int r) {
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
