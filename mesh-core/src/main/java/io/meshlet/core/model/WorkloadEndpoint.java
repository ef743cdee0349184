package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code WorkloadEntry} as written inline in {@code ServiceEntry.endpoints}: an address (IP
 * or DNS name), port overrides by port name, labels, locality ({@code region/zone/subzone}) and a
 * load-balancing weight (1 when unset). From EDS also the priority and locality weight the control
 * plane computed for this caller ({@code LocalityLbEndpoints.priority}, {@code load_balancing_weight}
 * when the cluster sets {@code locality_weighted_lb_config}); a YAML endpoint has neither
 * ({@link #NO_PRIORITY}, 0) and the mesh computes them from {@code localityLbSetting}.
 */
public record WorkloadEndpoint(
    String address,
    Map<String, Integer> ports,
    Map<String, String> labels,
    @Nullable String network,
    @Nullable String locality,
    int weight,
    @Nullable String serviceAccount,
    int priority,
    int localityWeight) {

  /** No priority given: the mesh decides it from the DestinationRule's {@code localityLbSetting}. */
  public static final int NO_PRIORITY = -1;

  public WorkloadEndpoint(
      String address, Map<String, Integer> ports, Map<String, String> labels, @Nullable String network,
      @Nullable String locality, int weight, @Nullable String serviceAccount) {
    this(address, ports, labels, network, locality, weight, serviceAccount, NO_PRIORITY, 0);
  }

  public WorkloadEndpoint {
    requireNonNull(address, "address");
    ports = Map.copyOf(ports);
    labels = Labels.shared(labels);
  }

  /**
   * True when {@code address} is written as an IP literal (digits and dots, or anything with a
   * {@code :}, IPv6), never looked up: such an address is dialled as is and cannot be an SNI name.
   */
  public static boolean isIpLiteral(String address) {
    if (address.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return !address.isEmpty();
  }
}
