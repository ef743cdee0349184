package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * An IP address or CIDR block ({@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code 2001:db8::/32}), as
 * AuthorizationPolicy's {@code ipBlocks} and the {@code source.ip} / {@code remote.ip} conditions
 * write them. Parsed without name lookups; bits beyond the prefix are ignored, as Go's {@code
 * net.ParseCIDR} (which Istio uses) ignores them. Checking an IPv4 address allocates nothing.
 */
public final class IpBlock {
  private final String text;
  private final boolean v6;
  private final long hi;
  private final long lo;
  private final long hiMask;
  private final long loMask;

  private IpBlock(String text, boolean v6, long hi, long lo, int prefix) {
    this.text = text;
    this.v6 = v6;
    if (v6) {
      this.hiMask = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
      this.loMask = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
    } else {
      this.hiMask = 0;
      this.loMask = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    }
    this.hi = hi & hiMask;
    this.lo = lo & loMask;
  }

  /** The block {@code text} names, or null if it is neither an IP address nor a CIDR block. */
  public static @Nullable IpBlock parse(String text) {
    requireNonNull(text, "text");
    int slash = text.indexOf('/');
    int end = slash < 0 ? text.length() : slash;
    boolean v6 = text.indexOf(':') >= 0;
    int max = v6 ? 128 : 32;
    int prefix = max;
    if (slash >= 0) {
      prefix = decimal(text, slash + 1, text.length(), max);
      if (prefix < 0) {
        return null;
      }
    }
    if (v6) {
      long[] bits = parseV6(text, 0, end);
      return bits == null ? null : new IpBlock(text, true, bits[0], bits[1], prefix);
    }
    long v4 = parseV4(text, 0, end);
    return v4 < 0 ? null : new IpBlock(text, false, 0, v4, prefix);
  }

  /** True if {@code address} (an IP address, IPv6 possibly in brackets) lies in this block; false if it is not an address. */
  public boolean contains(@Nullable String address) {
    return address != null && contains(address, 0, address.length());
  }

  /** True if {@code text[start, end)}, surrounding blanks ignored, is an IPv4 or IPv6 address (IPv6 possibly in brackets). */
  static boolean isAddress(String text, int start, int end) {
    while (start < end && text.charAt(start) == ' ') {
      start++;
    }
    while (end > start && text.charAt(end - 1) == ' ') {
      end--;
    }
    if (end - start > 2 && text.charAt(start) == '[' && text.charAt(end - 1) == ']') {
      start++;
      end--;
    }
    if (start >= end) {
      return false;
    }
    return text.indexOf(':', start) >= 0 && text.indexOf(':', start) < end
        ? parseV6(text, start, end) != null
        : parseV4(text, start, end) >= 0;
  }

  /** {@link #contains(String)} for {@code address[start, end)}, surrounding blanks ignored. */
  boolean contains(String address, int start, int end) {
    while (start < end && address.charAt(start) == ' ') {
      start++;
    }
    while (end > start && address.charAt(end - 1) == ' ') {
      end--;
    }
    if (end - start > 2 && address.charAt(start) == '[' && address.charAt(end - 1) == ']') {
      start++;
      end--;
    }
    if (!v6) {
      long v4 = parseV4(address, start, end);
      return v4 >= 0 && (v4 & loMask) == lo;
    }
    long[] bits = parseV6(address, start, end);
    return bits != null && (bits[0] & hiMask) == hi && (bits[1] & loMask) == lo;
  }

  @Override
  public String toString() {
    return text;
  }

  private static int decimal(String s, int start, int end, int max) {
    if (start == end || end - start > 3) {
      return -1;
    }
    int v = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= max ? v : -1;
  }

  /** The 32 bits of a dotted quad in {@code s[start, end)}, or -1. Leading zeros are refused, as Go refuses them. */
  static long parseV4(String s, int start, int end) {
    long value = 0;
    int i = start;
    for (int part = 0; part < 4; part++) {
      int j = i;
      while (j < end && s.charAt(j) != '.') {
        j++;
      }
      if ((part < 3) == (j == end)) {
        return -1;
      }
      int octet = (j - i > 1 && s.charAt(i) == '0') ? -1 : decimal(s, i, j, 255);
      if (octet < 0) {
        return -1;
      }
      value = (value << 8) | octet;
      i = j + 1;
    }
    return value;
  }

  /** The high and low 64 bits of an IPv6 address in {@code s[start, end)}, or null. */
  static long @Nullable [] parseV6(String s, int start, int end) {
    if (end - start < 2) {
      return null;
    }
    int[] groups = new int[8];
    int n = 0;
    int gap = -1;
    int i = start;
    if (s.charAt(i) == ':') {
      if (s.charAt(i + 1) != ':') {
        return null;
      }
      gap = 0;
      i += 2;
    }
    while (i < end) {
      int j = i;
      int v = 0;
      while (j < end && j - i < 4 && hex(s.charAt(j)) >= 0) {
        v = v * 16 + hex(s.charAt(j));
        j++;
      }
      if (j < end && s.charAt(j) == '.') {
        long v4 = parseV4(s, i, end);
        if (v4 < 0 || n > 6) {
          return null;
        }
        groups[n++] = (int) (v4 >>> 16);
        groups[n++] = (int) (v4 & 0xFFFF);
        break;
      }
      if (j == i || n == 8) {
        return null;
      }
      groups[n++] = v;
      if (j == end) {
        break;
      }
      if (s.charAt(j) != ':' || j + 1 == end) {
        return null;
      }
      j++;
      if (s.charAt(j) == ':') {
        if (gap >= 0) {
          return null;
        }
        gap = n;
        j++;
      }
      i = j;
    }
    if (gap < 0 ? n != 8 : n > 7) {
      return null;
    }
    long hi = 0;
    long lo = 0;
    int fill = 8 - n;
    for (int k = 0, g = 0; k < 8; k++) {
      int value = (gap >= 0 && k >= gap && k < gap + fill) ? 0 : groups[g++];
      if (k < 4) {
        hi = (hi << 16) | value;
      } else {
        lo = (lo << 16) | value;
      }
    }
    return new long[] {hi, lo};
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
