package io.meshlet.core.identity;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A workload identity as Istio issues it: {@code spiffe://<trust domain>/ns/<namespace>/sa/<service
 * account>}. Istio's policies name it without the scheme ({@link #principal()}).
 */
public record SpiffeId(String trustDomain, String namespace, String serviceAccount) {
  private static final String SCHEME = "spiffe://";

  public SpiffeId {
    requireNonNull(trustDomain, "trustDomain");
    requireNonNull(namespace, "namespace");
    requireNonNull(serviceAccount, "serviceAccount");
  }

  /** Parses {@code spiffe://td/ns/x/sa/y}; null for any other URI. */
  public static @Nullable SpiffeId parse(String uri) {
    if (!uri.startsWith(SCHEME)) {
      return null;
    }
    String[] parts = uri.substring(SCHEME.length()).split("/", -1);
    if (parts.length != 5 || parts[0].isEmpty() || !parts[1].equals("ns") || parts[2].isEmpty()
        || !parts[3].equals("sa") || parts[4].isEmpty()) {
      return null;
    }
    return new SpiffeId(parts[0], parts[2], parts[4]);
  }

  /** {@code cluster.local/ns/default/sa/reviews}: the form AuthorizationPolicy principals use. */
  public String principal() {
    return trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  /** {@code spiffe://cluster.local/ns/default/sa/reviews}. */
  public String uri() {
    return SCHEME + principal();
  }

  @Override
  public String toString() {
    return uri();
  }
}
