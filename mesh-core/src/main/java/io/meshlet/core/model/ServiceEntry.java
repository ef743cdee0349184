package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code ServiceEntry}: hosts, ports and, for STATIC or DNS resolution, their endpoints:
 * those written in {@code endpoints}, or, with a {@code workloadSelector}, the {@link WorkloadEntry
 * WorkloadEntries} of its namespace whose labels match ({@link WorkloadSelection}).
 *
 * @param workloadSelector {@code workloadSelector.labels} (empty: every WorkloadEntry of the
 *     namespace); null when the ServiceEntry has no selector
 * @param subjectAltNames {@code subjectAltNames}: identities its servers may carry ({@link ServerIdentities})
 */
public record ServiceEntry(
    ResourceId id,
    ResourceOrigin origin,
    List<String> hosts,
    List<String> addresses,
    List<ServicePort> ports,
    Location location,
    Resolution resolution,
    List<WorkloadEndpoint> endpoints,
    List<String> exportTo,
    List<String> notYetApplied,
    @Nullable Map<String, String> workloadSelector,
    List<String> subjectAltNames)
    implements MeshResource {

  public enum Location {
    MESH_EXTERNAL,
    MESH_INTERNAL
  }

  public enum Resolution {
    /** Traffic goes to the address the caller asked for. */
    NONE,
    /** Endpoints are IP addresses. */
    STATIC,
    /**
     * Endpoints (or, without endpoints, the hosts themselves) are DNS names; the mesh balances over
     * the names and the HTTP client resolves the chosen one when it connects.
     */
    DNS,
    /** Treated as {@link #DNS}: the client resolves each name when it connects. */
    DNS_ROUND_ROBIN
  }

  public ServiceEntry {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    hosts = List.copyOf(hosts);
    addresses = List.copyOf(addresses);
    ports = List.copyOf(ports);
    requireNonNull(location, "location");
    requireNonNull(resolution, "resolution");
    endpoints = List.copyOf(endpoints);
    exportTo = List.copyOf(exportTo);
    notYetApplied = List.copyOf(notYetApplied);
    workloadSelector = workloadSelector == null ? null : Map.copyOf(workloadSelector);
    subjectAltNames = List.copyOf(subjectAltNames);
  }

  /** A ServiceEntry without {@code subjectAltNames}. */
  public ServiceEntry(ResourceId id, ResourceOrigin origin, List<String> hosts, List<String> addresses,
      List<ServicePort> ports, Location location, Resolution resolution, List<WorkloadEndpoint> endpoints,
      List<String> exportTo, List<String> notYetApplied, @Nullable Map<String, String> workloadSelector) {
    this(id, origin, hosts, addresses, ports, location, resolution, endpoints, exportTo, notYetApplied, workloadSelector,
        List.of());
  }

  /** A ServiceEntry without {@code workloadSelector}. */
  public ServiceEntry(ResourceId id, ResourceOrigin origin, List<String> hosts, List<String> addresses,
      List<ServicePort> ports, Location location, Resolution resolution, List<WorkloadEndpoint> endpoints,
      List<String> exportTo, List<String> notYetApplied) {
    this(id, origin, hosts, addresses, ports, location, resolution, endpoints, exportTo, notYetApplied, null);
  }
}
