package io.meshlet.core.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reading a raw query string ({@code a=1&b=x%20y}, after the {@code ?}, still percent-encoded): the one
 * reader for route {@code queryParams} conditions on the server side, a JWT in a query parameter and
 * explain. A name and a value are decoded as a form is ({@code +} is a space); the first occurrence of
 * a name wins; a name written without {@code =} has the value {@code ""}.
 */
public final class QueryString {
  private QueryString() {}

  /** The decoded first value of {@code name} in {@code rawQuery}; {@code ""} for {@code ?name}; null when absent or no query. */
  public static @Nullable String first(@Nullable String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    int i = 0;
    int n = rawQuery.length();
    while (i <= n) {
      int amp = rawQuery.indexOf('&', i);
      int end = amp < 0 ? n : amp;
      int eq = rawQuery.indexOf('=', i);
      int nameEnd = eq >= 0 && eq < end ? eq : end;
      if (nameEnd > i && nameIs(rawQuery, i, nameEnd, name)) {
        return nameEnd == end ? "" : decode(rawQuery.substring(nameEnd + 1, end));
      }
      if (amp < 0) {
        break;
      }
      i = amp + 1;
    }
    return null;
  }

  /** Every name with its first value, in order, decoded ({@link #first} for each). */
  public static Map<String, String> parse(@Nullable String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (!k.isEmpty()) {
        out.putIfAbsent(k, eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return out;
  }

  /** Compares without allocating unless the written name is encoded. */
  private static boolean nameIs(String q, int from, int to, String name) {
    boolean encoded = false;
    for (int k = from; k < to; k++) {
      char c = q.charAt(k);
      if (c == '%' || c == '+') {
        encoded = true;
        break;
      }
    }
    if (!encoded) {
      return to - from == name.length() && q.startsWith(name, from);
    }
    return decode(q.substring(from, to)).equals(name);
  }

  private static String decode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return s; // a broken escape (%zz) is kept as written rather than failing the request
    }
  }
}
