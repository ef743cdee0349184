package io.meshlet.consul;

import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.ServicePort;
import io.meshlet.core.model.WorkloadEndpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A Consul service and its instances as a STATIC, mesh-internal {@link ServiceEntry}: one host per
 * {@link HostForm}, one port ({@code http}, number {@code servicePort}) whose target is each
 * instance's own Consul port, one endpoint per instance with {@link InstanceLabels}. A service with
 * a {@code Failover} lists its own instances at priority 0 and each failover level's after them at
 * priority 1, 2, … (an address already listed keeps its first level), so the mesh sends traffic to
 * a level only while the levels before it have no healthy endpoint (Envoy's priority levels).
 */
final class ServiceEntries {
  static final String PORT_NAME = "http";
  static final String PROTOCOL = "HTTP";

  private ServiceEntries() {}

  /** The name of the resources Consul service {@code service} becomes ({@code consul-reviews}). */
  static String resourceName(String service) {
    return "consul-" + service;
  }

  /** {@code levels.get(0)} is the service's own instances, the rest its failover levels in order. */
  static ServiceEntry of(String service, List<List<ConsulInstance>> levels, List<String> hosts, String namespace,
      int servicePort, ResourceOrigin origin) {
    List<WorkloadEndpoint> endpoints = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int level = 0; level < levels.size(); level++) {
      List<ConsulInstance> sorted = new ArrayList<>(levels.get(level));
      sorted.sort(Comparator.comparing(ConsulInstance::address).thenComparingInt(ConsulInstance::port)
          .thenComparing(ConsulInstance::id));
      int priority = levels.size() == 1 ? WorkloadEndpoint.NO_PRIORITY : level;
      for (ConsulInstance i : sorted) {
        if (seen.add(i.address() + ":" + i.port())) {
          endpoints.add(new WorkloadEndpoint(i.address(), Map.of(PORT_NAME, i.port()), InstanceLabels.of(i), null, null,
              Math.max(1, i.weight()), null, priority, 0));
        }
      }
    }
    return new ServiceEntry(new ResourceId("ServiceEntry", namespace, resourceName(service)), origin, hosts, List.of(),
        List.of(new ServicePort(servicePort, PROTOCOL, PORT_NAME, 0)), ServiceEntry.Location.MESH_INTERNAL,
        ServiceEntry.Resolution.STATIC, endpoints, List.of(), List.of());
  }
}
