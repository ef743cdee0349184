package io.meshlet.core.routing;

import io.meshlet.core.lb.Hashing;
import io.meshlet.core.lb.LoadBalancer;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;
import org.jspecify.annotations.Nullable;

/** Computes a request's consistent-hash key (header, cookie, query parameter or source IP) without allocating. */
final class HashPolicy {
  static final HashPolicy NONE = new HashPolicy(null, LoadBalancer.NO_HASH);

  private final @Nullable ConsistentHash hash;
  private final long sourceIpHash;

  private HashPolicy(@Nullable ConsistentHash hash, long sourceIpHash) {
    this.hash = hash;
    this.sourceIpHash = sourceIpHash;
  }

  static HashPolicy of(@Nullable ConsistentHash hash, String sourceAddress) {
    return hash == null ? NONE : new HashPolicy(hash, Hashing.hash64(sourceAddress));
  }

  long hash(RequestView req) {
    if (hash == null) {
      return LoadBalancer.NO_HASH;
    }
    switch (hash.on()) {
      case HTTP_HEADER_NAME:
        return hashOf(req.header(hash.key()));
      case HTTP_QUERY_PARAMETER_NAME:
        return hashOf(req.queryParameter(hash.key()));
      case HTTP_COOKIE:
        return cookieHash(req.header("cookie"), hash.key());
      case USE_SOURCE_IP:
      default:
        return sourceIpHash;
    }
  }

  /** What the key is, for explain: {@code header x-user = 'jason'}. */
  String describe(RequestView req) {
    if (hash == null) {
      return "no hash key";
    }
    switch (hash.on()) {
      case HTTP_HEADER_NAME:
        return "header " + hash.key() + " = " + StringMatcher.describe(req.header(hash.key()));
      case HTTP_QUERY_PARAMETER_NAME:
        return "query parameter " + hash.key() + " = " + StringMatcher.describe(req.queryParameter(hash.key()));
      case HTTP_COOKIE:
        return "cookie " + hash.key() + (cookieHash(req.header("cookie"), hash.key()) == LoadBalancer.NO_HASH
            ? " absent" : " present");
      case USE_SOURCE_IP:
      default:
        return "source IP";
    }
  }

  private static long hashOf(@Nullable String value) {
    return value == null ? LoadBalancer.NO_HASH : Hashing.hash64(value);
  }

  /** Finds {@code name=value} in a Cookie header ({@code a=1; b=2}) and hashes the value in place. */
  static long cookieHash(@Nullable String header, String name) {
    if (header == null) {
      return LoadBalancer.NO_HASH;
    }
    int n = header.length();
    int i = 0;
    while (i < n) {
      while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
        i++;
      }
      int end = header.indexOf(';', i);
      if (end < 0) {
        end = n;
      }
      if (header.startsWith(name, i) && i + name.length() < end && header.charAt(i + name.length()) == '=') {
        return Hashing.hash64(header, i + name.length() + 1, end);
      }
      i = end + 1;
    }
    return LoadBalancer.NO_HASH;
  }
}
