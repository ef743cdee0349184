package io.meshlet.core.pipeline;

/**
 * A set of {@link ResponseFlag}s as one immutable value (a bit set), printed as Envoy prints
 * {@code %RESPONSE_FLAGS%}: {@code DI,URX}, or {@code -} when empty.
 */
public final class ResponseFlags {
  private static final ResponseFlag[] FLAGS = ResponseFlag.values();
  private static final ResponseFlags[] SINGLE = new ResponseFlags[FLAGS.length];
  /** No flag. */
  public static final ResponseFlags NONE = new ResponseFlags(0);

  static {
    for (ResponseFlag f : FLAGS) {
      SINGLE[f.ordinal()] = new ResponseFlags(1 << f.ordinal());
    }
  }

  private final int bits;

  private ResponseFlags(int bits) {
    this.bits = bits;
  }

  public static ResponseFlags of(ResponseFlag flag) {
    return SINGLE[flag.ordinal()];
  }

  static ResponseFlags ofBits(int bits) {
    if (bits == 0) {
      return NONE;
    }
    return Integer.bitCount(bits) == 1 ? SINGLE[Integer.numberOfTrailingZeros(bits)] : new ResponseFlags(bits);
  }

  static int bit(ResponseFlag flag) {
    return 1 << flag.ordinal();
  }

  /** These flags and {@code flag}. */
  public ResponseFlags with(ResponseFlag flag) {
    return ofBits(bits | bit(flag));
  }

  public boolean contains(ResponseFlag flag) {
    return (bits & bit(flag)) != 0;
  }

  /** The flags as bits (one per {@link ResponseFlag} ordinal): a cheap key for caches. */
  public int bits() {
    return bits;
  }

  public boolean isEmpty() {
    return bits == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResponseFlags && ((ResponseFlags) o).bits == bits;
  }

  @Override
  public int hashCode() {
    return bits;
  }

  /** {@code DI,URX} in Envoy's order; {@code -} when empty, as in Envoy's access log. */
  @Override
  public String toString() {
    if (bits == 0) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    for (ResponseFlag f : FLAGS) {
      if ((bits & bit(f)) != 0) {
        sb.append(sb.length() == 0 ? "" : ",").append(f.name());
      }
    }
    return sb.toString();
  }
}
