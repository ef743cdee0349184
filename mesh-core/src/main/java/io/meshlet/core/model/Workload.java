package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * The workload this mesh runs in: who is calling. Its namespace qualifies short host names and
 * decides {@code exportTo}; its labels decide {@code sourceLabels} matches; its address is the key
 * of {@code consistentHash.useSourceIp}; its locality ({@code region/zone/subzone}, empty when
 * unknown) orders endpoints for locality load balancing.
 */
public record Workload(String name, String namespace, Map<String, String> labels, String address, String locality) {
  public Workload(String name, String namespace, Map<String, String> labels, String address) {
    this(name, namespace, labels, address, "");
  }

  public Workload {
    requireNonNull(locality, "locality");
    requireNonNull(name, "name");
    requireNonNull(namespace, "namespace");
    labels = Map.copyOf(labels);
    requireNonNull(address, "address");
  }
}
