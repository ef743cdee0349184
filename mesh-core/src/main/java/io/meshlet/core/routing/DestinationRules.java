package io.meshlet.core.routing;

import io.meshlet.core.config.HostNames;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.MeshConfig;
import org.jspecify.annotations.Nullable;

/**
 * Which DestinationRule applies to a host for a workload: one rule, used by the route table compiler
 * and by mesh-control-plane alike, so what is served and what is routed cannot differ.
 */
public final class DestinationRules {
  private DestinationRules() {}

  /**
   * The DestinationRule for {@code host} seen from {@code namespace}: among those visible there
   * ({@code exportTo}), an exact host before any wildcard, a longer wildcard before a shorter one,
   * and, between equals, the one in {@code namespace}; then config order. Null when none applies.
   */
  public static @Nullable DestinationRule forHost(MeshConfig config, String host, String namespace) {
    DestinationRule best = null;
    int bestScore = -1;
    for (DestinationRule dr : config.destinationRules()) {
      if (!dr.visibleTo(namespace) || !HostNames.matches(dr.host(), host)) {
        continue;
      }
      int score = (dr.host().equals(host) ? 1_000_000 : dr.host().length() * 2)
          + (dr.id().namespace().equals(namespace) ? 1 : 0);
      if (score > bestScore) {
        best = dr;
        bestScore = score;
      }
    }
    return best;
  }
}
