package io.meshlet.core.lb;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Istio's consistent hash, as a ring. Weights are first divided by their greatest common divisor;
 * each endpoint then owns {@code weight × minimumRingSize / 4} points (at least one), so the ring
 * reaches {@code minimumRingSize} at four equal endpoints and grows with the cluster. Unlike Envoy's
 * ring, whose points per endpoint shrink as endpoints are added, an endpoint's points here depend
 * only on its own weight (relative to the weights' greatest common divisor): adding an endpoint
 * moves only the keys it takes over, and removing one moves only its own keys, as long as the
 * divisor and the cap stay the same (with Istio's default weight of 1 they always do). The ring is capped near {@link #MAX_RING} points (scaled down beyond).
 * Point {@code i} of an endpoint sits at {@link Hashing#hash64} of {@code "hostPort_i"}. A request
 * goes to the owner of the first point at or after its hash (signed order, wrapping). A request
 * without a hash goes to a random point, so it is still spread by weight.
 */
final class RingHashLoadBalancer implements LoadBalancer {
  static final long DEFAULT_MIN_RING = 1024;
  /** 1M points, 12 MB: a ring hash over more than 4,096 equal endpoints is scaled down to fit. */
  static final int MAX_RING = 1024 * 1024;

  private final List<Endpoint> endpoints;
  private final long[] ring;
  private final Endpoint[] owners;

  RingHashLoadBalancer(List<Endpoint> endpoints, long minimumRingSize) {
    this.endpoints = List.copyOf(endpoints);
    Endpoint[] array = this.endpoints.toArray(new Endpoint[0]);
    int n = array.length;
    long minRing = minimumRingSize > 0 ? Math.min(minimumRingSize, MAX_RING) : DEFAULT_MIN_RING;
    int[] weights = n == 0 ? new int[0] : Weights.reduce(Weights.of(array));
    long totalWeight = Math.max(1, Weights.sum(weights));
    double perUnit = Math.max(1.0, minRing / 4.0);
    if (perUnit * totalWeight > MAX_RING) {
      perUnit = (double) MAX_RING / totalWeight;
    }
    int[] counts = new int[n];
    long size = 0;
    for (int i = 0; i < n; i++) {
      // The epsilon keeps exact products (1024 / 4 × 1) from rounding up to one point too many.
      counts[i] = (int) Math.max(1, Math.ceil(weights[i] * perUnit - 1e-9));
      size += counts[i];
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("ring too large: " + size + " points for " + n + " endpoints");
    }

    // Sort points and their owners together: the owner's index rides in the low bits of the
    // hash (the remaining >= 41 bits still place the point), so one long[] sort suffices.
    int indexBits = n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
    long indexMask = (1L << indexBits) - 1;
    long[] points = new long[(int) size];
    StringBuilder key = new StringBuilder(64);
    int p = 0;
    for (int i = 0; i < n; i++) {
      String hostPort = array[i].hostPort();
      for (int k = 0; k < counts[i]; k++) {
        key.setLength(0);
        key.append(hostPort).append('_').append(k);
        points[p++] = (Hashing.hash64(key) & ~indexMask) | i;
      }
    }
    Arrays.sort(points);
    owners = new Endpoint[points.length];
    for (int j = 0; j < points.length; j++) {
      owners[j] = array[(int) (points[j] & indexMask)];
    }
    ring = points;
  }

  @Override
  public Endpoint pick(long hash, RandomGenerator random) {
    long[] ring = this.ring;
    if (hash == NO_HASH) {
      return owners[random.nextInt(ring.length)];
    }
    int lo = 0;
    int hi = ring.length; // first index with ring[index] >= hash, or length
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ring[mid] < hash) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return owners[lo == ring.length ? 0 : lo];
  }

  @Override
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public String policy() {
    return "RING_HASH";
  }

  /** The number of points on the ring. */
  int ringSize() {
    return ring.length;
  }

  @Override
  public String toString() {
    return "RING_HASH(" + endpoints.size() + " endpoints, ring " + ring.length + ")";
  }
}
