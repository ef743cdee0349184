package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * Istio's {@code PeerAuthentication} ({@code security.istio.io}): the mutual TLS mode a workload
 * accepts, for all its ports and per port. Without a selector it covers its namespace, or the whole
 * mesh when it sits in the root namespace; the narrowest policy wins (workload, then namespace,
 * then mesh). Server side only.
 *
 * @param selector {@code selector.matchLabels}; empty for a namespace or mesh-wide policy
 * @param mode {@code mtls.mode}, {@link MtlsMode#UNSET} when absent
 * @param portLevelMtls {@code portLevelMtls}: container port to mode
 */
public record PeerAuthentication(
    ResourceId id,
    ResourceOrigin origin,
    Map<String, String> selector,
    MtlsMode mode,
    Map<Integer, MtlsMode> portLevelMtls,
    List<String> notYetApplied)
    implements MeshResource {

  public PeerAuthentication {
    requireNonNull(id, "id");
    requireNonNull(origin, "origin");
    selector = Map.copyOf(selector);
    requireNonNull(mode, "mode");
    portLevelMtls = Map.copyOf(portLevelMtls);
    notYetApplied = List.copyOf(notYetApplied);
  }

  /** Security policies have no {@code exportTo}: they apply where their namespace and selector say. */
  @Override
  public List<String> exportTo() {
    return List.of();
  }

  /** True if this policy has a selector and every selector label is on {@code labels}. */
  public boolean selects(Map<String, String> labels) {
    return !selector.isEmpty() && Labels.matches(selector, labels);
  }
}
