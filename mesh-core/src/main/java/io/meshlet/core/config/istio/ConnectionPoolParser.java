package io.meshlet.core.config.istio;

import io.meshlet.core.model.ConnectionPoolSettings;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code ConnectionPoolSettings}: the limits are applied; {@code tcp.tcpKeepalive},
 * {@code tcp.maxConnectionDuration}, {@code tcp.idleTimeout}, {@code http.h2UpgradePolicy},
 * {@code http.useClientProtocol}, {@code http.maxConcurrentStreams} and {@code http.http2KeepAlive} are validated and each one
 * present is listed as not yet applied. A limit or timeout of 0 is unset, as in Istio.
 */
final class ConnectionPoolParser {
  private static final List<String> H2_UPGRADE = List.of("DEFAULT", "DO_NOT_UPGRADE", "UPGRADE");
  private static final long INT32 = Integer.MAX_VALUE;

  private ConnectionPoolParser() {}

  static @Nullable ConnectionPoolSettings parse(@Nullable YamlObject pool) {
    if (pool == null) {
      return null;
    }
    Problems problems = pool.problems();
    int maxConnections = 0;
    Duration connectTimeout = null;
    YamlObject tcp = pool.object("tcp");
    if (tcp != null) {
      maxConnections = orZero(tcp.integer("maxConnections", 0, INT32));
      connectTimeout = nonZero(tcp.duration("connectTimeout"));
      YamlObject keepalive = tcp.object("tcpKeepalive");
      if (keepalive != null) {
        keepalive.integer("probes", 0, 0xFFFF_FFFFL);
        keepalive.duration("time");
        keepalive.duration("interval");
      }
      tcp.duration("maxConnectionDuration");
      tcp.duration("idleTimeout");
      notYetApplied(tcp, "tcpKeepalive", "maxConnectionDuration", "idleTimeout");
    }
    int pending = 0;
    int http2MaxRequests = 0;
    int perConnection = 0;
    int maxRetries = 0;
    Duration idleTimeout = null;
    YamlObject http = pool.object("http");
    if (http != null) {
      pending = orZero(http.integer("http1MaxPendingRequests", 0, INT32));
      http2MaxRequests = orZero(http.integer("http2MaxRequests", 0, INT32));
      perConnection = orZero(http.integer("maxRequestsPerConnection", 0, INT32));
      maxRetries = orZero(http.integer("maxRetries", 0, INT32));
      idleTimeout = nonZero(http.duration("idleTimeout"));
      if (http.has("maxRequestsPerConnection")) {
        http.problems().acceptedUnused(http.path("maxRequestsPerConnection"), "kept in the model without a warning: "
            + "OkHttp's and gRPC's own connection settings apply in-process (mesh-control-plane serves it over xDS)");
      }
      if (http.has("idleTimeout")) {
        http.problems().acceptedUnused(http.path("idleTimeout"), "kept in the model without a warning: "
            + "OkHttp's and gRPC's own connection settings apply in-process");
      }
      http.enumValue("h2UpgradePolicy", H2_UPGRADE);
      http.bool("useClientProtocol");
      http.integer("maxConcurrentStreams", 0, INT32);
      YamlObject h2KeepAlive = http.object("http2KeepAlive");
      if (h2KeepAlive != null) {
        h2KeepAlive.duration("interval");
        h2KeepAlive.duration("timeout");
      }
      notYetApplied(http, "h2UpgradePolicy", "useClientProtocol", "maxConcurrentStreams", "http2KeepAlive");
    }
    return new ConnectionPoolSettings(
        maxConnections, connectTimeout, pending, http2MaxRequests, perConnection, maxRetries, idleTimeout);
  }

  private static void notYetApplied(YamlObject o, String... fields) {
    for (String f : fields) {
      if (o.has(f)) {
        o.problems().notYetApplied(o.path(f));
      }
    }
  }

  private static int orZero(@Nullable Long v) {
    return v == null ? 0 : v.intValue();
  }

  private static @Nullable Duration nonZero(@Nullable Duration d) {
    return d == null || d.isZero() ? null : d;
  }
}
