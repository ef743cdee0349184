package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.identity.SpiffeId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An incoming call described by hand rather than read from a transport, for {@code
 * Mesh.explainInbound} from tools (the actuator's inbound explain). {@code secure} is what TLS
 * would say; {@code path} is taken as already normalised; header names are case-insensitive.
 */
public record DescribedInboundRequest(
    @Nullable SpiffeId peer, boolean secure, String sourceAddress, int destinationPort, String host, String method,
    String path, Map<String, String> headers) implements InboundRequest {

  public DescribedInboundRequest {
    requireNonNull(sourceAddress, "sourceAddress");
    requireNonNull(host, "host");
    requireNonNull(method, "method");
    requireNonNull(path, "path");
    if (destinationPort < 0 || destinationPort > 65535) {
      throw new IllegalArgumentException("destinationPort: " + destinationPort + " (expected: 0..65535)");
    }
    Map<String, String> lower = new LinkedHashMap<>();
    requireNonNull(headers, "headers").forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    headers = Map.copyOf(lower);
  }

  @Override
  public @Nullable String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }
}
