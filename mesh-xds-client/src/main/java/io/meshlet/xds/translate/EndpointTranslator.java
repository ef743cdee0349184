package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A ClusterLoadAssignment's usable endpoints: HEALTHY or UNKNOWN, with a socket address, each with
 * its group's locality, priority and locality weight ({@code load_balancing_weight}, 0 if unset).
 */
final class EndpointTranslator {
  private EndpointTranslator() {}

  /**
   * One endpoint: address, port, load-balancing weight (at least 1), locality ({@code
   * region/zone/subzone}), its group's priority and locality weight (0: none), and the workload
   * labels istiod puts in its metadata ({@link #ISTIO_METADATA}).
   */
  record Ep(String address, int port, int weight, @Nullable String locality, int priority, int localityWeight,
      Map<String, String> labels) {}

  /**
   * The {@code filter_metadata} key istiod writes workload facts under: {@code workload} is {@code
   * name;namespace;canonical-service;canonical-revision;cluster-id}, what Istio's telemetry reads to
   * label {@code destination_*}. Translated into the labels Meshlet's metrics read.
   */
  static final String ISTIO_METADATA = "istio";
  private static final String[] WORKLOAD_LABELS = {"service.istio.io/workload-name", "meshlet.io/workload-namespace",
      "service.istio.io/canonical-name", "service.istio.io/canonical-revision", "topology.istio.io/cluster"};

  /**
   * @param path the CLA's path inside its resource ("" for an EDS resource)
   * @return the endpoints, or null when the CLA cannot be used (errors in {@code problems})
   */
  static @Nullable List<Ep> translate(ClusterLoadAssignment cla, String path, Problems problems) {
    String prefix = path.isEmpty() ? "" : path + ".";
    int errors = problems.errorCount();
    List<Ep> out = new ArrayList<>();
    for (int i = 0; i < cla.getEndpointsCount(); i++) {
      LocalityLbEndpoints group = cla.getEndpoints(i);
      String gp = prefix + "endpoints[" + i + "]";
      if (group.hasLedsClusterLocalityConfig()) {
        problems.error(gp + ".leds_cluster_locality_config", "LEDS is not supported (expected: lb_endpoints)");
        continue;
      }
      if (group.getPriority() > 1000) {
        problems.error(gp + ".priority", group.getPriority() + " (expected: 0..1000)");
        continue;
      }
      String locality = locality(group.getLocality());
      int localityWeight = group.hasLoadBalancingWeight() ? Protos.uint32(group.getLoadBalancingWeight().getValue()) : 0;
      for (int j = 0; j < group.getLbEndpointsCount(); j++) {
        Ep ep = endpoint(group.getLbEndpoints(j), gp + ".lb_endpoints[" + j + "]", locality, group.getPriority(), localityWeight,
            problems);
        if (ep != null) {
          out.add(ep);
        }
      }
    }
    if (cla.getPolicy().getDropOverloadsCount() > 0) {
      problems.ignored(prefix + "policy.drop_overloads", "Meshlet does not drop requests for overload");
    }
    return problems.errorCount() > errors ? null : out;
  }

  private static @Nullable Ep endpoint(
      LbEndpoint e, String path, @Nullable String locality, int priority, int localityWeight, Problems problems) {
    if (!e.hasEndpoint()) {
      problems.error(path, "no endpoint (expected: endpoint with a socket address)");
      return null;
    }
    HealthStatus health = e.getHealthStatus();
    if (health != HealthStatus.HEALTHY && health != HealthStatus.UNKNOWN) {
      return null;
    }
    if (!e.getEndpoint().getAddress().hasSocketAddress()) {
      problems.error(path + ".endpoint.address", e.getEndpoint().getAddress().getAddressCase().name().toLowerCase(java.util.Locale.ROOT)
          + " (expected: socket_address)");
      return null;
    }
    SocketAddress sa = e.getEndpoint().getAddress().getSocketAddress();
    if (sa.hasNamedPort() || sa.getPortValue() <= 0 || sa.getPortValue() > 65535) {
      problems.error(path + ".endpoint.address.socket_address.port_value",
          (sa.hasNamedPort() ? "'" + sa.getNamedPort() + "'" : String.valueOf(sa.getPortValue())) + " (expected: 1..65535)");
      return null;
    }
    if (sa.getAddress().isEmpty()) {
      problems.error(path + ".endpoint.address.socket_address.address", "'' (expected: an IP address or host name)");
      return null;
    }
    int weight = e.hasLoadBalancingWeight() ? Protos.uint32(e.getLoadBalancingWeight().getValue()) : 1;
    return new Ep(sa.getAddress(), sa.getPortValue(), Math.max(1, weight), locality, priority, localityWeight, workloadLabels(e));
  }

  /** The labels of {@code filter_metadata.istio.workload}, empty parts left out; empty when there is none. */
  static Map<String, String> workloadLabels(LbEndpoint e) {
    if (!e.hasMetadata()) {
      return Map.of();
    }
    com.google.protobuf.Struct istio = e.getMetadata().getFilterMetadataMap().get(ISTIO_METADATA);
    com.google.protobuf.Value workload = istio == null ? null : istio.getFieldsMap().get("workload");
    if (workload == null || !workload.hasStringValue()) {
      return Map.of();
    }
    String[] parts = workload.getStringValue().split(";", -1);
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    for (int i = 0; i < parts.length && i < WORKLOAD_LABELS.length; i++) {
      if (!parts[i].isEmpty()) {
        labels.put(WORKLOAD_LABELS[i], parts[i]);
      }
    }
    return Map.copyOf(labels);
  }

  /** {@code region/zone/sub_zone} without trailing empty parts; null when all are empty. */
  static @Nullable String locality(Locality l) {
    String s = io.meshlet.core.lb.LocalityPlan.format(l.getRegion(), l.getZone(), l.getSubZone());
    return s.isEmpty() ? null : s;
  }
}
