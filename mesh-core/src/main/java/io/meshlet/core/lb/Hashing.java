package io.meshlet.core.lb;

import static java.util.Objects.requireNonNull;

/**
 * The mesh's 64-bit string hash: XXH64 (seed 0) of the string's UTF-8 bytes, encoded on the fly so
 * that hashing allocates nothing. Unpaired surrogates encode as {@code '?'}, as {@link
 * String#getBytes(java.nio.charset.Charset)} does. The value is stable across JVMs and releases;
 * it is never {@link LoadBalancer#NO_HASH} (a true 0 is reported as 1).
 *
 * <p>Use it to turn a request's hash key (header value, cookie, query parameter, source IP) into
 * the {@code hash} argument of {@link LoadBalancer#pick}.
 */
public final class Hashing {
  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;

  private Hashing() {}

  /** The hash of all of {@code s}. */
  public static long hash64(CharSequence s) {
    requireNonNull(s, "s");
    return hash64(s, 0, s.length());
  }

  /** The hash of {@code s.subSequence(start, end)}, without creating it. */
  public static long hash64(CharSequence s, int start, int end) {
    requireNonNull(s, "s");
    java.util.Objects.checkFromToIndex(start, end, s.length());
    long v1 = P1 + P2;
    long v2 = P2;
    long v3 = 0;
    long v4 = -P1;
    // Up to 31 pending bytes: three full lanes plus the lane being filled.
    long b0 = 0;
    long b1 = 0;
    long b2 = 0;
    long lane = 0;
    int laneBytes = 0;
    int fullLanes = 0;
    long total = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      int enc; // UTF-8 bytes, first byte lowest
      int n;
      if (c < 0x80) {
        enc = c;
        n = 1;
      } else if (c < 0x800) {
        enc = (0xC0 | (c >>> 6)) | (0x80 | (c & 0x3F)) << 8;
        n = 2;
      } else if (Character.isSurrogate(c)) {
        char d;
        if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(d = s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, d);
          i++;
          enc = (0xF0 | (cp >>> 18))
              | (0x80 | ((cp >>> 12) & 0x3F)) << 8
              | (0x80 | ((cp >>> 6) & 0x3F)) << 16
              | (0x80 | (cp & 0x3F)) << 24;
          n = 4;
        } else {
          enc = '?';
          n = 1;
        }
      } else {
        enc = (0xE0 | (c >>> 12)) | (0x80 | ((c >>> 6) & 0x3F)) << 8 | (0x80 | (c & 0x3F)) << 16;
        n = 3;
      }
      total += n;
      for (int k = 0; k < n; k++) {
        lane |= (long) ((enc >>> (k << 3)) & 0xFF) << (laneBytes << 3);
        if (++laneBytes == 8) {
          switch (fullLanes) {
            case 0:
              b0 = lane;
              fullLanes = 1;
              break;
            case 1:
              b1 = lane;
              fullLanes = 2;
              break;
            case 2:
              b2 = lane;
              fullLanes = 3;
              break;
            default: // a 32-byte stripe is complete
              v1 = round(v1, b0);
              v2 = round(v2, b1);
              v3 = round(v3, b2);
              v4 = round(v4, lane);
              fullLanes = 0;
              break;
          }
          lane = 0;
          laneBytes = 0;
        }
      }
    }
    long h;
    if (total >= 32) {
      h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
      h = merge(h, v1);
      h = merge(h, v2);
      h = merge(h, v3);
      h = merge(h, v4);
    } else {
      h = P5;
    }
    h += total;
    if (fullLanes > 0) {
      h = tailLane(h, b0);
    }
    if (fullLanes > 1) {
      h = tailLane(h, b1);
    }
    if (fullLanes > 2) {
      h = tailLane(h, b2);
    }
    if (laneBytes >= 4) {
      h ^= (lane & 0xFFFFFFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      lane >>>= 32;
      laneBytes -= 4;
    }
    for (; laneBytes > 0; laneBytes--) {
      h ^= (lane & 0xFF) * P5;
      h = Long.rotateLeft(h, 11) * P1;
      lane >>>= 8;
    }
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h == LoadBalancer.NO_HASH ? 1 : h;
  }

  private static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long merge(long h, long v) {
    h ^= round(0, v);
    return h * P1 + P4;
  }

  private static long tailLane(long h, long lane) {
    h ^= round(0, lane);
    return Long.rotateLeft(h, 27) * P1 + P4;
  }
}
