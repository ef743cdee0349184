package io.meshlet.core.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HashingTest {

  @Test
  void isXxHash64OfUtf8() {
    // Published XXH64 vectors (seed 0).
    assertThat(Hashing.hash64("")).isEqualTo(0xEF46DB3751D8E999L);
    assertThat(Hashing.hash64("abc")).isEqualTo(0x44BC2CF5AD770999L);
  }

  @Test
  void regressionPin() {
    // Ring positions depend on this value: changing it reshuffles every consistent-hash ring.
    assertThat(Hashing.hash64("10.0.0.1:8080_0")).isEqualTo(PIN);
  }

  private static final long PIN = 0x23A29AE775DFD4A3L;

  @Test
  void matchesByteReferenceOnAllLengthsAndScripts() {
    SplittableRandom random = new SplittableRandom(7);
    char[] alphabet = {'a', 'Z', '0', '-', 'é', 'ß', '€', '中', '\uD83D', '\uDE00', '\u07FF', '\u0800'};
    for (int length = 0; length < 120; length++) {
      for (int trial = 0; trial < 20; trial++) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
          s.append(alphabet[random.nextInt(alphabet.length)]);
        }
        String str = s.toString();
        long expected = reference(str.getBytes(StandardCharsets.UTF_8));
        assertThat(Hashing.hash64(str)).as("%s", str).isEqualTo(expected == 0 ? 1 : expected);
        assertThat(Hashing.hash64(s)).isEqualTo(Hashing.hash64(str));
      }
    }
  }

  @Test
  void rangeEqualsSubstring() {
    String s = "x-user-id: alice@example.com; 中文 \uD83D\uDE00 and more text to pass 32 bytes";
    for (int start = 0; start <= s.length(); start += 3) {
      for (int end = start; end <= s.length(); end++) {
        assertThat(Hashing.hash64(s, start, end)).isEqualTo(Hashing.hash64(s.substring(start, end)));
      }
    }
    assertThatThrownBy(() -> Hashing.hash64(s, 5, 4)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> Hashing.hash64(s, 0, s.length() + 1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void neverNoHash() {
    for (int i = 0; i < 200_000; i++) {
      assertThat(Hashing.hash64("key-" + i)).isNotEqualTo(LoadBalancer.NO_HASH);
    }
  }

  /** A plain XXH64 (seed 0) over bytes, written from the specification. */
  static long reference(byte[] input) {
    final long p1 = 0x9E3779B185EBCA87L;
    final long p2 = 0xC2B2AE3D27D4EB4FL;
    final long p3 = 0x165667B19E3779F9L;
    final long p4 = 0x85EBCA77C2B2AE63L;
    final long p5 = 0x27D4EB2F165667C5L;
    ByteBuffer buf = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
    int len = input.length;
    long h;
    int off = 0;
    if (len >= 32) {
      long[] v = {p1 + p2, p2, 0, -p1};
      while (off + 32 <= len) {
        for (int i = 0; i < 4; i++) {
          v[i] = Long.rotateLeft(v[i] + buf.getLong(off) * p2, 31) * p1;
          off += 8;
        }
      }
      h = Long.rotateLeft(v[0], 1) + Long.rotateLeft(v[1], 7) + Long.rotateLeft(v[2], 12) + Long.rotateLeft(v[3], 18);
      for (int i = 0; i < 4; i++) {
        h ^= Long.rotateLeft(v[i] * p2, 31) * p1;
        h = h * p1 + p4;
      }
    } else {
      h = p5;
    }
    h += len;
    while (off + 8 <= len) {
      h ^= Long.rotateLeft(buf.getLong(off) * p2, 31) * p1;
      h = Long.rotateLeft(h, 27) * p1 + p4;
      off += 8;
    }
    if (off + 4 <= len) {
      h ^= (buf.getInt(off) & 0xFFFFFFFFL) * p1;
      h = Long.rotateLeft(h, 23) * p2 + p3;
      off += 4;
    }
    while (off < len) {
      h ^= (input[off] & 0xFF) * p5;
      h = Long.rotateLeft(h, 11) * p1;
      off++;
    }
    h ^= h >>> 33;
    h *= p2;
    h ^= h >>> 29;
    h *= p3;
    h ^= h >>> 32;
    return h;
  }
}
