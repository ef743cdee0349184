package io.meshlet.xds.translate;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.PortTrafficPolicy;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.ServicePort;
import io.meshlet.core.model.Subset;
import io.meshlet.core.model.TrafficPolicy;
import io.meshlet.core.model.WorkloadEndpoint;
import io.meshlet.xds.translate.ClusterTranslator.ClusterInfo;
import io.meshlet.xds.translate.EndpointTranslator.Ep;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The clusters of one host into its ServiceEntry (ports {@code xds-<port>}, endpoints) and
 * DestinationRule (port-level settings, subsets selected by the label {@code
 * xds.meshlet.io/subset-<name>: "true"} that the subset clusters' endpoints carry).
 */
final class ServiceAssembler {
  static final String SUBSET_LABEL_PREFIX = "xds.meshlet.io/subset-";
  static final String PROTOCOL = "HTTP";

  private ServiceAssembler() {}

  /** A cluster and its usable endpoints. */
  record ClusterEndpoints(ClusterInfo cluster, List<Ep> endpoints) {}

  record Service(ServiceEntry serviceEntry, DestinationRule destinationRule) {}

  static String portName(int port) {
    return "xds-" + port;
  }

  static String subsetLabel(String subset) {
    return SUBSET_LABEL_PREFIX + subset;
  }

  /** @param clusters the clusters of {@code host}, in any order */
  static Service assemble(String host, List<ClusterEndpoints> clusters, String namespace, List<ConfigProblem> problems) {
    List<ClusterEndpoints> ordered = new ArrayList<>(clusters);
    // Base clusters first (their endpoints give weight and locality), then subsets; by port within each.
    ordered.sort(Comparator.comparing((ClusterEndpoints c) -> c.cluster().target().subset() != null)
        .thenComparingInt(c -> c.cluster().target().port())
        .thenComparing(c -> c.cluster().name()));
    ClusterInfo first = ordered.get(0).cluster();
    ResourceOrigin origin = new ResourceOrigin("xds", "Cluster " + first.name());
    ServiceEntry.Resolution resolution = first.resolution();

    TreeSet<Integer> ports = new TreeSet<>();
    List<EndpointBuilder> endpoints = new ArrayList<>();
    List<PortTrafficPolicy> hostPolicies = new ArrayList<>();
    Map<String, List<PortTrafficPolicy>> subsets = new LinkedHashMap<>();
    for (ClusterEndpoints ce : ordered) {
      ClusterInfo c = ce.cluster();
      int port = c.target().port();
      String subset = c.target().subset();
      ports.add(port);
      if (c.resolution() != resolution) {
        problems.add(ConfigProblem.warning("Cluster", c.name(), Problems.LOCATION, "type",
            "resolution " + c.resolution() + " differs from " + resolution + " of " + first.name()
                + "; the host " + host + " uses " + resolution));
      }
      if (subset == null) {
        addIfSet(hostPolicies, c.policy());
      } else {
        addIfSet(subsets.computeIfAbsent(subset, k -> new ArrayList<>()), c.policy());
      }
      for (Ep ep : ce.endpoints()) {
        merge(endpoints, ep, portName(port), subset, c.localityWeighted());
      }
    }
    List<ServicePort> servicePorts = new ArrayList<>();
    for (int p : ports) {
      servicePorts.add(new ServicePort(p, PROTOCOL, portName(p), 0));
    }
    List<WorkloadEndpoint> workloadEndpoints = new ArrayList<>();
    for (EndpointBuilder b : endpoints) {
      workloadEndpoints.add(new WorkloadEndpoint(b.address, b.ports, b.labels, null, b.locality, b.weight, null,
          b.priority, b.localityWeight));
    }
    ServiceEntry se = new ServiceEntry(new ResourceId("ServiceEntry", namespace, host), origin, List.of(host), List.of(),
        servicePorts, ServiceEntry.Location.MESH_INTERNAL, resolution, workloadEndpoints, List.of(), List.of());
    List<Subset> subsetList = new ArrayList<>();
    for (Map.Entry<String, List<PortTrafficPolicy>> s : subsets.entrySet()) {
      subsetList.add(new Subset(s.getKey(), Map.of(subsetLabel(s.getKey()), "true"),
          s.getValue().isEmpty() ? null : new TrafficPolicy(null, s.getValue())));
    }
    DestinationRule dr = new DestinationRule(new ResourceId("DestinationRule", namespace, host), origin, host,
        hostPolicies.isEmpty() ? TrafficPolicy.NONE : new TrafficPolicy(null, hostPolicies), subsetList, List.of(), List.of());
    return new Service(se, dr);
  }

  private static void addIfSet(List<PortTrafficPolicy> policies, PortTrafficPolicy p) {
    if (p.loadBalancer() != null || p.connectionPool() != null || p.outlierDetection() != null || p.retryBudget() != null
        || p.tls() != null) {
      policies.add(p);
    }
  }

  /**
   * Adds {@code ep} on {@code portName}: to the endpoint with the same address that has this port at
   * the same number or not at all yet, else as a new endpoint; a subset cluster's endpoint gets the
   * subset's label. Priority and locality weight are the first cluster's (base clusters come first):
   * the model has one per endpoint, and istiod's priorities keep their order in every cluster of a host.
   */
  private static void merge(
      List<EndpointBuilder> endpoints, Ep ep, String portName, @org.jspecify.annotations.Nullable String subset,
      boolean localityWeighted) {
    EndpointBuilder target = null;
    for (EndpointBuilder b : endpoints) {
      Integer known = b.ports.get(portName);
      if (b.address.equals(ep.address()) && (known == null || known == ep.port())) {
        target = b;
        break;
      }
    }
    if (target == null) {
      target = new EndpointBuilder(ep.address(), ep.weight(), ep.locality(), ep.priority(),
          localityWeighted ? ep.localityWeight() : 0);
      endpoints.add(target);
    }
    target.ports.putIfAbsent(portName, ep.port());
    ep.labels().forEach(target.labels::putIfAbsent);
    if (subset != null) {
      target.labels.put(subsetLabel(subset), "true");
    }
  }

  private static final class EndpointBuilder {
    final String address;
    final int weight;
    final @org.jspecify.annotations.Nullable String locality;
    final int priority;
    final int localityWeight;
    final Map<String, Integer> ports = new LinkedHashMap<>();
    final Map<String, String> labels = new LinkedHashMap<>();

    EndpointBuilder(String address, int weight, @org.jspecify.annotations.Nullable String locality, int priority, int localityWeight) {
      this.address = address;
      this.weight = weight;
      this.locality = locality;
      this.priority = priority;
      this.localityWeight = localityWeight;
    }
  }
}
