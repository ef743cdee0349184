package io.meshlet.grpc;

/**
 * The service a mesh channel calls, as the caller wrote it: {@code reviews:9080}, {@code
 * reviews.default.svc.cluster.local:9080}, or a host without port (port 80, which a service with a
 * single port answers on as well).
 */
record Target(String host, int port, String authority) {
  static final int DEFAULT_PORT = 80;

  static Target parse(String target) {
    String t = target;
    int scheme = t.indexOf(":///");
    if (scheme >= 0) {
      t = t.substring(scheme + 4);
    }
    if (t.isEmpty() || t.indexOf('/') >= 0 || t.indexOf('?') >= 0 || t.indexOf('@') >= 0) {
      throw new IllegalArgumentException("target: '" + target + "' (expected: host[:port], e.g. reviews:9080)");
    }
    int colon = t.lastIndexOf(':');
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("target: '" + target + "' (expected: [ipv6]:port)");
      }
      colon = close + 1 < t.length() && t.charAt(close + 1) == ':' ? close + 1 : -1;
    }
    if (colon < 0) {
      return new Target(t, DEFAULT_PORT, t);
    }
    String host = t.substring(0, colon);
    String port = t.substring(colon + 1);
    int p = -1;
    if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      p = Integer.parseInt(port);
    }
    if (host.isEmpty() || p < 1 || p > 65535) {
      throw new IllegalArgumentException("target: '" + target + "' (expected: host:port with a port in 1..65535)");
    }
    return new Target(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, p, t);
  }
}
