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
 * instance's own Consul port, one endpoint per instance with {@link InstanceLabels}.
 */
final class ServiceEntries {
  static final String PORT_NAME = "http";
  static final String PROTOCOL = "HTTP";

  private ServiceEntries() {}

  /** The name of the resources Consul service {@code service} becomes ({@code consul-reviews}). */
  static String resourceName(String service) {
    return "consul-" + service;
  }

  static ServiceEntry of(String service, List<ConsulInstance> instances, List<String> hosts, String namespace,
      int servicePort, ResourceOrigin origin) {
    List<ConsulInstance> sorted = new ArrayList<>(instances);
    sorted.sort(Comparator.comparing(ConsulInstance::address).thenComparingInt(ConsulInstance::port)
        .thenComparing(ConsulInstance::id));
    List<WorkloadEndpoint> endpoints = new ArrayList<>(sorted.size());
    for (ConsulInstance i : sorted) {
      endpoints.add(new WorkloadEndpoint(i.address(), Map.of(PORT_NAME, i.port()), InstanceLabels.of(i), null, null,
          Math.max(1, i.weight()), null));
    }
    return new ServiceEntry(new ResourceId("ServiceEntry", namespace, resourceName(service)), origin, hosts, List.of(),
        List.of(new ServicePort(servicePort, PROTOCOL, PORT_NAME, 0)), ServiceEntry.Location.MESH_INTERNAL,
        ServiceEntry.Resolution.STATIC, endpoints, List.of(), List.of());
  }
}
