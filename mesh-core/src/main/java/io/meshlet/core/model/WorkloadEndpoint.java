package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code WorkloadEntry} as written inline in {@code ServiceEntry.endpoints}: an address (IP
 * or DNS name), port overrides by port name, labels, locality ({@code region/zone/subzone}) and a
 * load-balancing weight (1 when unset).
 */
public record WorkloadEndpoint(
    String address,
    Map<String, Integer> ports,
    Map<String, String> labels,
    @Nullable String network,
    @Nullable String locality,
    int weight,
    @Nullable String serviceAccount) {

  public WorkloadEndpoint {
    requireNonNull(address, "address");
    ports = Map.copyOf(ports);
    labels = Map.copyOf(labels);
  }
}
