package io.meshlet.core.model;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code ConnectionPoolSettings}, as limits on one cluster. A limit of 0 is unset
 * (unlimited, Envoy's default of 2^32-1). Overflow fails at once with {@code UO}.
 *
 * @param maxConnections {@code tcp.maxConnections}: with HTTP/1.1, the most requests in flight to the cluster (as Envoy's per-cluster threshold)
 * @param connectTimeout {@code tcp.connectTimeout}, or null for 10 s (Istio's default)
 * @param http1MaxPendingRequests most requests waiting for a connection; Meshlet does not queue, so
 *     it adds to the requests in flight a cluster admits
 * @param http2MaxRequests the most requests in flight to the whole cluster
 * @param maxRequestsPerConnection handed to the HTTP client's pool where it supports it
 * @param maxRetries the most retries in flight to the cluster at once
 * @param idleTimeout handed to the HTTP client's pool where it supports it
 */
public record ConnectionPoolSettings(
    int maxConnections,
    @Nullable Duration connectTimeout,
    int http1MaxPendingRequests,
    int http2MaxRequests,
    int maxRequestsPerConnection,
    int maxRetries,
    @Nullable Duration idleTimeout) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
}
