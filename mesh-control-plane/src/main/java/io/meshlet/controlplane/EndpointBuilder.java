package io.meshlet.controlplane;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.meshlet.core.lb.LocalityPlan;
import io.meshlet.core.model.LocalityLbSetting;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.ServicePort;
import io.meshlet.core.model.Subset;
import io.meshlet.core.model.Workload;
import io.meshlet.core.model.WorkloadEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A cluster's ClusterLoadAssignment: the ServiceEntry's endpoints, or its selected WorkloadEntries'
 * (a subset's filtered by their labels), each on the port the compiler would use (the endpoint's port of that name, else the
 * ServicePort's targetPort, else its number), with weight and locality. A DNS ServiceEntry without
 * endpoints resolves its host itself.
 *
 * <p>Every locality carries a {@code load_balancing_weight}, the sum of its endpoints' weights, as
 * istiod's {@code EndpointBuilder.generate} writes it: gRPC's xDS clients (grpc-java, grpc-go) drop
 * a locality without a weight, so a cluster served without one has no usable endpoint for them. The
 * sum keeps a locality's share what the endpoints' weights would give it in one flat pool, which is
 * how Meshlet's own client reads an assignment (it ignores the locality weight). istiod saturates
 * the sum at the uint32 maximum; here it saturates at {@link Integer#MAX_VALUE}, because grpc-java
 * reads the uint32 as a Java int and drops a locality whose weight is "< 1", i.e. 2^31 or more.
 *
 * <p>{@code localityLbSetting} is applied for the node as istiod applies it per proxy, by mesh-core's
 * {@link LocalityPlan} (the rule the mesh's own compiler uses): each locality group gets the
 * priority of its endpoints (one group per priority and locality), and with {@code distribute} the
 * computed locality weight (the cluster then sets {@code locality_weighted_lb_config}, see
 * {@link ClusterBuilder}) and no endpoints of the localities it drops.
 */
final class EndpointBuilder {
  private EndpointBuilder() {}

  static ClusterLoadAssignment build(String clusterName, String host, ServiceEntry se, ServicePort port, @Nullable Subset subset) {
    return build(clusterName, host, se, se.endpoints(), port, subset, LocalityLbSetting.DEFAULT, false,
        new Workload("", "", Map.of(), ""));
  }

  /**
   * @param endpoints the ServiceEntry's endpoints: its own, or those of the WorkloadEntries its
   *     {@code workloadSelector} selects (mesh-core's {@code WorkloadSelection}, as the compiler selects them)
   * @param locality the cluster's {@code localityLbSetting} (resolved for its port and subset)
   * @param outlierDetection whether the cluster has outlier detection (failover needs it)
   * @param node the node as a caller: its namespace, labels and locality
   */
  static ClusterLoadAssignment build(String clusterName, String host, ServiceEntry se, List<WorkloadEndpoint> endpoints,
      ServicePort port, @Nullable Subset subset, LocalityLbSetting locality, boolean outlierDetection, Workload node) {
    int defaultTarget = port.targetPort() > 0 ? port.targetPort() : port.number();
    if (endpoints.isEmpty() && se.workloadSelector() == null && se.resolution() != ServiceEntry.Resolution.STATIC) {
      endpoints = List.of(new WorkloadEndpoint(host, Map.of(), Map.of(), null, null, 1, null));
    }
    List<io.meshlet.core.lb.Endpoint> selected = new ArrayList<>();
    for (WorkloadEndpoint we : endpoints) {
      if (subset != null && !subset.selects(we.labels())) {
        continue;
      }
      Integer named = port.name() == null ? null : we.ports().get(port.name());
      int target = named != null ? named : defaultTarget;
      selected.add(new io.meshlet.core.lb.Endpoint(we.address(), target, we.labels(), Math.max(1, we.weight()), we.locality(),
          we.network(), WorkloadEndpoint.NO_PRIORITY, 0));
    }
    LocalityPlan plan = LocalityPlan.of(locality, selected, node, outlierDetection);
    Map<String, LocalityLbEndpoints.Builder> groups = new TreeMap<>();
    Map<String, Integer> weights = new LinkedHashMap<>();
    List<String> order = new ArrayList<>();
    for (int i = 0; i < selected.size(); i++) {
      if (!plan.kept(i)) {
        continue;
      }
      io.meshlet.core.lb.Endpoint e = selected.get(i);
      String where = e.locality() == null ? "" : e.locality();
      // Priority first in the key, so groups go out by priority, then in the endpoints' order of localities.
      if (!order.contains(where)) {
        order.add(where);
      }
      String groupKey = String.format("%05d|%05d", plan.priority(i), order.indexOf(where));
      LocalityLbEndpoints.Builder g = groups.computeIfAbsent(groupKey, k -> group(where));
      g.setPriority(plan.priority(i));
      weights.put(groupKey, plan.localityWeight(i));
      LbEndpoint.Builder lb = LbEndpoint.newBuilder()
          .setHealthStatus(HealthStatus.HEALTHY)
          .setLoadBalancingWeight(Protos.uint32(e.weight()))
          .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
              .setSocketAddress(SocketAddress.newBuilder().setAddress(e.address()).setPortValue(e.port()))));
      io.envoyproxy.envoy.config.core.v3.Metadata workload = WorkloadMetadata.of(e.labels(), se.id().namespace());
      if (workload != null) {
        lb.setMetadata(workload);
      }
      g.addLbEndpoints(lb);
    }
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    groups.forEach((k, g) -> cla.addEndpoints(g.setLoadBalancingWeight(
        Protos.uint32(plan.weighted() && weights.get(k) > 0 ? weights.get(k) : localityWeight(g)))));
    return cla.build();
  }

  /** The sum of the locality's endpoint weights (each 1..{@link Integer#MAX_VALUE}), saturated at {@link Integer#MAX_VALUE}. */
  static int localityWeight(LocalityLbEndpoints.Builder group) {
    long sum = 0;
    for (LbEndpoint e : group.getLbEndpointsList()) {
      sum = Math.min(Integer.MAX_VALUE, sum + e.getLoadBalancingWeight().getValue());
    }
    return (int) sum;
  }

  private static LocalityLbEndpoints.Builder group(String locality) {
    LocalityLbEndpoints.Builder b = LocalityLbEndpoints.newBuilder();
    if (!locality.isEmpty()) {
      String[] parts = LocalityPlan.parts(locality);
      b.setLocality(Locality.newBuilder().setRegion(parts[0]).setZone(parts[1]).setSubZone(parts[2]));
    }
    return b;
  }
}
