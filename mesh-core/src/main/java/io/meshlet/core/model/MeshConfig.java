package io.meshlet.core.model;

import java.util.ArrayList;
import java.util.List;

/** A set of resources, as one source delivers it or as the merge of every source. Immutable. */
public record MeshConfig(
    List<ServiceEntry> serviceEntries,
    List<VirtualService> virtualServices,
    List<DestinationRule> destinationRules) {

  public static final MeshConfig EMPTY = new MeshConfig(List.of(), List.of(), List.of());

  public MeshConfig {
    serviceEntries = List.copyOf(serviceEntries);
    virtualServices = List.copyOf(virtualServices);
    destinationRules = List.copyOf(destinationRules);
  }

  public List<MeshResource> all() {
    List<MeshResource> all = new ArrayList<>(size());
    all.addAll(serviceEntries);
    all.addAll(virtualServices);
    all.addAll(destinationRules);
    return all;
  }

  public int size() {
    return serviceEntries.size() + virtualServices.size() + destinationRules.size();
  }
}
