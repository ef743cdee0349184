package io.meshlet.core.telemetry;

import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.security.InboundRequest;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** An inbound call described by hand, as an adapter presents it. */
record Inbound(@Nullable SpiffeId peer, String host, String method, String path, Map<String, String> headers)
    implements InboundRequest {
  static Inbound get(String path, String... headerPairs) {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < headerPairs.length; i += 2) {
      h.put(headerPairs[i], headerPairs[i + 1]);
    }
    return new Inbound(null, "reviews", "GET", path, h);
  }

  Inbound from(SpiffeId peer) {
    return new Inbound(peer, host, method, path, headers);
  }

  @Override
  public boolean secure() {
    return peer != null;
  }

  @Override
  public String sourceAddress() {
    return "10.0.0.9";
  }

  @Override
  public int destinationPort() {
    return 9080;
  }

  @Override
  public @Nullable String header(String name) {
    return headers.get(name);
  }
}
