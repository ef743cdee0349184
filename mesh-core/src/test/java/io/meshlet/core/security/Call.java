package io.meshlet.core.security;

import io.meshlet.core.identity.SpiffeId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An incoming call described by hand, as an adapter would present it. Immutable; {@code with*} copies.
 * A header value with {@code \n} stands for several header lines.
 */
public record Call(@Nullable SpiffeId peer, boolean secure, String sourceAddress, int destinationPort, String host,
    String method, String path, Map<String, String> headers) implements InboundRequest {

  /** A plaintext {@code GET /} to reviews on 9080 from 10.0.0.9. */
  public static Call plain() {
    return new Call(null, false, "10.0.0.9", 9080, "reviews", "GET", "/", Map.of());
  }

  /** {@link #plain()} over mutual TLS from {@code cluster.local/ns/<ns>/sa/<sa>}. */
  public static Call from(String ns, String sa) {
    return plain().peer(new SpiffeId("cluster.local", ns, sa));
  }

  public Call peer(@Nullable SpiffeId peer) {
    return new Call(peer, peer != null || secure, sourceAddress, destinationPort, host, method, path, headers);
  }

  public Call secureWithoutCertificate() {
    return new Call(null, true, sourceAddress, destinationPort, host, method, path, headers);
  }

  public Call address(String address) {
    return new Call(peer, secure, address, destinationPort, host, method, path, headers);
  }

  public Call port(int port) {
    return new Call(peer, secure, sourceAddress, port, host, method, path, headers);
  }

  public Call host(String h) {
    return new Call(peer, secure, sourceAddress, destinationPort, h, method, path, headers);
  }

  public Call request(String m, String p) {
    return new Call(peer, secure, sourceAddress, destinationPort, host, m, p, headers);
  }

  public Call header(String name, String value) {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    h.put(name, value);
    return new Call(peer, secure, sourceAddress, destinationPort, host, method, path, h);
  }

  @Override
  public @Nullable String header(String name) {
    List<String> lines = headers(name);
    return lines.isEmpty() ? null : lines.get(0);
  }

  @Override
  public List<String> headers(String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return List.of(e.getValue().split("\n", -1));
      }
    }
    return List.of();
  }
}
