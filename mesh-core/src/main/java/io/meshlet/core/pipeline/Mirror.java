package io.meshlet.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.routing.Cluster;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One copy of a forwarded request to send, fire and forget, as {@link OutboundCall#mirrors()}
 * chose it: the endpoint of the mirror destination's cluster, the authority with Envoy's {@code
 * -shadow} suffix, the path and route header operations of the original. The adapter sends it
 * without waiting, discards the response, and calls {@link #done()} exactly once when it is over
 * (or {@link #skip()} when it cannot send it at all), which frees its place in the mesh's bound.
 *
 * <p>While in flight it counts as an active request of its endpoint, as an Envoy shadow does, so the
 * mirror cluster's least-request picks see it. It is not counted by the mirror cluster's connection
 * pool, circuit breaker or outlier detection (Envoy's shadows are): the mesh's bound limits it instead.
 */
public final class Mirror {
  /** The timeout of a copy whose route has none: Envoy's router default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  private final Cluster cluster;
  private final Endpoint endpoint;
  private final String authority;
  private final String path;
  private final HeaderOperations headers;
  private final Duration timeout;
  private final Mirrors bound;
  private final AtomicBoolean finished = new AtomicBoolean();
  private String @Nullable [] added;
  private int addedCount;

  Mirror(Cluster cluster, Endpoint endpoint, String authority, String path, HeaderOperations headers,
      Duration timeout, Mirrors bound) {
    this.cluster = cluster;
    this.endpoint = endpoint;
    this.authority = authority;
    this.path = path;
    this.headers = headers;
    this.timeout = timeout;
    this.bound = bound;
    endpoint.onRequestStart();
  }

  /**
   * Envoy's shadow authority: {@code -shadow} after the host, before any port ({@code
   * reviews:9080} → {@code reviews-shadow:9080}, {@code reviews} → {@code reviews-shadow}).
   */
  public static String shadowAuthority(String authority) {
    int end = authority.startsWith("[") ? authority.indexOf(']') + 1 : authority.indexOf(':');
    return end <= 0 || end >= authority.length()
        ? authority + "-shadow"
        : authority.substring(0, end) + "-shadow" + authority.substring(end);
  }

  public Cluster cluster() {
    return cluster;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** The {@code Host}/{@code :authority} to send: the original's with {@code -shadow}. */
  public String authority() {
    return authority;
  }

  /** The path to send: the original's, rewritten as the route rewrites it. */
  public String path() {
    return path;
  }

  /** The route's request header operations (a destination's belong to the original's destination). */
  public HeaderOperations headers() {
    return headers;
  }

  /**
   * A header to send with this copy: call from {@link CallListener#onMirror} (the peer metadata
   * that tells the mirror's workload who calls, {@code IstioMetrics.PEER_HEADER}).
   */
  public void addHeader(String name, String value) {
    requireNonNull(name, "name");
    requireNonNull(value, "value");
    String[] h = added;
    if (h == null) {
      h = added = new String[4];
    } else if (addedCount * 2 == h.length) {
      h = added = Arrays.copyOf(h, h.length * 2);
    }
    h[addedCount * 2] = name;
    h[addedCount * 2 + 1] = value;
    addedCount++;
  }

  /** Gives the headers listeners added to this copy to {@code sink}, after the route's operations (for the adapter). */
  public void forEachHeader(BiConsumer<String, String> sink) {
    String[] h = added;
    for (int i = 0; i < addedCount; i++) {
      sink.accept(h[i * 2], h[i * 2 + 1]);
    }
  }

  /** The most the copy may take: the route's timeout, else {@link #DEFAULT_TIMEOUT}. */
  public Duration timeout() {
    return timeout;
  }

  /** The TLS of the mirror's cluster; null or {@code DISABLE}: plaintext. */
  public @Nullable ClientTlsSettings tls() {
    return cluster.tls();
  }

  /** The copy is over (answered, failed, timed out): frees its place. Idempotent. */
  public void done() {
    if (finished.compareAndSet(false, true)) {
      endpoint.onRequestEnd();
      bound.release();
    }
  }

  /** The adapter could not send the copy (its body cannot be read twice): counted as dropped. Idempotent. */
  public void skip() {
    if (finished.compareAndSet(false, true)) {
      endpoint.onRequestEnd();
      bound.release();
      bound.skipped();
    }
  }

  @Override
  public String toString() {
    return "mirror to " + cluster.name() + " " + endpoint.hostPort() + " as " + authority;
  }
}
