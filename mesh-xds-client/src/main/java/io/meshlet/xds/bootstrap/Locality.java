package io.meshlet.xds.bootstrap;

import static java.util.Objects.requireNonNull;

/**
 * Where the node runs ({@code node.locality}). As in the protobuf, an absent field is the empty string.
 */
public record Locality(String region, String zone, String subZone) {
  /** No locality given. */
  public static final Locality EMPTY = new Locality("", "", "");

  public Locality {
    requireNonNull(region, "region");
    requireNonNull(zone, "zone");
    requireNonNull(subZone, "subZone");
  }

  /** {@code region/zone/subzone} without trailing empty parts, as the mesh writes a locality; empty if none. */
  public String path() {
    return io.meshlet.core.lb.LocalityPlan.format(region, zone, subZone);
  }

  public boolean isEmpty() {
    return region.isEmpty() && zone.isEmpty() && subZone.isEmpty();
  }
}
