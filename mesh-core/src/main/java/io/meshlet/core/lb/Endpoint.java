package io.meshlet.core.lb;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One address a cluster sends requests to. Immutable but for its live counters, which the adapter
 * updates around each request ({@link #onRequestStart()}, {@link #onRequestEnd()}). The runtime
 * reuses the same instance across snapshots while the endpoint's definition is unchanged, so the
 * counters survive config pushes.
 */
public final class Endpoint {
  private final String address;
  private final int port;
  private final Map<String, String> labels;
  private final int weight;
  private final @Nullable String locality;
  private final String hostPort;
  private final AtomicInteger activeRequests = new AtomicInteger();

  public Endpoint(String address, int port, Map<String, String> labels, int weight, @Nullable String locality) {
    this.address = requireNonNull(address, "address");
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    if (weight <= 0) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: > 0)");
    }
    this.port = port;
    this.labels = Map.copyOf(labels);
    this.weight = weight;
    this.locality = locality;
    this.hostPort = (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
  }

  public String address() {
    return address;
  }

  public int port() {
    return port;
  }

  public Map<String, String> labels() {
    return labels;
  }

  public int weight() {
    return weight;
  }

  public @Nullable String locality() {
    return locality;
  }

  /** {@code address:port} ({@code [v6]:port} for IPv6), precomputed. */
  public String hostPort() {
    return hostPort;
  }

  public int activeRequests() {
    return activeRequests.get();
  }

  public void onRequestStart() {
    activeRequests.incrementAndGet();
  }

  public void onRequestEnd() {
    activeRequests.decrementAndGet();
  }

  /** True if {@code other} describes the same endpoint (address, port, labels, weight, locality). */
  public boolean sameDefinition(Endpoint other) {
    return address.equals(other.address)
        && port == other.port
        && labels.equals(other.labels)
        && weight == other.weight
        && java.util.Objects.equals(locality, other.locality);
  }

  @Override
  public String toString() {
    return hostPort + (labels.isEmpty() ? "" : " " + labels) + (weight != 1 ? " weight=" + weight : "");
  }
}
