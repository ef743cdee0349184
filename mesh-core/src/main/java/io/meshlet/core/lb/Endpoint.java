package io.meshlet.core.lb;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One address a cluster sends requests to. Immutable but for its live counters, which the adapter
 * updates around each request ({@link #onRequestStart()}, {@link #onRequestEnd()}). The runtime
 * reuses the same instance across snapshots while the endpoint's definition is unchanged, so the
 * counters survive config pushes.
 *
 * <p>Kept small, as a large mesh holds one per endpoint (10,000 in {@code perf} {@code MeshFootprint}):
 * the active-request count is an {@code int} updated through a {@link VarHandle}, the outlier state
 * is made on the first counted failure ({@link #trackedHealth()}), and {@link #hostPort()} is made on
 * first use and kept.
 */
public final class Endpoint {
  private static final Object[] NO_ATTACHMENTS = new Object[0];
  private static final VarHandle ACTIVE;
  private static final VarHandle HEALTH;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      ACTIVE = l.findVarHandle(Endpoint.class, "activeRequests", int.class);
      HEALTH = l.findVarHandle(Endpoint.class, "health", EndpointHealth.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String address;
  private final int port;
  private final Map<String, String> labels;
  private final int weight;
  private final @Nullable String locality;
  private final @Nullable String network;
  private final int priority;
  private final int localityWeight;
  /** Made on first use; a race makes equal strings, either is fine (as {@code String.hash}). */
  private @Nullable String hostPort;
  private volatile int activeRequests;
  /** Null until outlier detection counts a failure: {@link EndpointHealth#NONE} stands for it. */
  private volatile @Nullable EndpointHealth health;
  /** Adapter data by key: key, value, key, value... Replaced whole on write; read without locks. */
  private volatile Object[] attachments = NO_ATTACHMENTS;

  public Endpoint(String address, int port, Map<String, String> labels, int weight, @Nullable String locality) {
    this(address, port, labels, weight, locality, null, -1, 0);
  }

  /**
   * @param network the endpoint's network ({@code topology.istio.io/network}), or null
   * @param priority the priority the control plane gave it (EDS), or -1: the mesh decides
   * @param localityWeight its locality's weight from EDS ({@code locality_weighted_lb_config}), or 0
   */
  public Endpoint(
      String address, int port, Map<String, String> labels, int weight, @Nullable String locality,
      @Nullable String network, int priority, int localityWeight) {
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
    this.network = network;
    this.priority = Math.max(-1, priority);
    this.localityWeight = Math.max(0, localityWeight);
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

  public @Nullable String network() {
    return network;
  }

  /** The priority from EDS, or -1 when the mesh decides it ({@code localityLbSetting}). */
  public int priority() {
    return priority;
  }

  /** The locality weight from EDS, or 0 when none was given. */
  public int localityWeight() {
    return localityWeight;
  }

  /** {@code address:port} ({@code [v6]:port} for IPv6), made once on first use. */
  public String hostPort() {
    String hp = hostPort;
    if (hp == null) {
      hp = (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
      hostPort = hp;
    }
    return hp;
  }

  public int activeRequests() {
    return activeRequests;
  }

  /** Outlier-detection state: consecutive failures and ejection; {@link EndpointHealth#NONE} until a failure was counted. Read it; write {@link #trackedHealth()}. */
  public EndpointHealth health() {
    EndpointHealth h = health;
    return h != null ? h : EndpointHealth.NONE;
  }

  /** The outlier-detection state to count a failure in or eject, made on first use. */
  public EndpointHealth trackedHealth() {
    EndpointHealth h = health;
    if (h != null) {
      return h;
    }
    EndpointHealth made = new EndpointHealth();
    EndpointHealth won = (EndpointHealth) HEALTH.compareAndExchange(this, (EndpointHealth) null, made);
    return won != null ? won : made;
  }

  public void onRequestStart() {
    ACTIVE.getAndAdd(this, 1);
  }

  public void onRequestEnd() {
    ACTIVE.getAndAdd(this, -1);
  }

  /**
   * Data an adapter derives from this endpoint once and reuses on every request (OkHttp's parsed
   * URL of it, for example), created by {@code factory} on first use. It lives as long as the
   * endpoint, so it goes away when the endpoint leaves the config. {@code key} is compared by
   * identity: use a constant of the adapter's own.
   */
  @SuppressWarnings("unchecked")
  public <T> T attachment(Object key, Function<? super Endpoint, ? extends T> factory) {
    Object[] a = attachments;
    for (int i = 0; i < a.length; i += 2) {
      if (a[i] == key) {
        return (T) a[i + 1];
      }
    }
    synchronized (this) {
      a = attachments;
      for (int i = 0; i < a.length; i += 2) {
        if (a[i] == key) {
          return (T) a[i + 1];
        }
      }
      T value = requireNonNull(factory.apply(this), "attachment");
      Object[] grown = Arrays.copyOf(a, a.length + 2);
      grown[a.length] = key;
      grown[a.length + 1] = value;
      attachments = grown;
      return value;
    }
  }

  /** True if {@code other} describes the same endpoint (address, port, labels, weight, locality, network, EDS priority and locality weight). */
  public boolean sameDefinition(Endpoint other) {
    return address.equals(other.address)
        && port == other.port
        && labels.equals(other.labels)
        && weight == other.weight
        && java.util.Objects.equals(locality, other.locality)
        && java.util.Objects.equals(network, other.network)
        && priority == other.priority
        && localityWeight == other.localityWeight;
  }

  @Override
  public String toString() {
    return hostPort() + (labels.isEmpty() ? "" : " " + labels) + (weight != 1 ? " weight=" + weight : "");
  }
}
