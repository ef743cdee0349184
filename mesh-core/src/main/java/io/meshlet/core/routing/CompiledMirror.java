package io.meshlet.core.routing;

import io.meshlet.core.model.MirrorPolicy;

/** One mirror of a compiled rule: its destination bound to clusters, and the share of requests it takes. */
public final class CompiledMirror {
  private final CompiledDestination destination;
  private final int millionths;

  CompiledMirror(CompiledDestination destination, int millionths) {
    this.destination = destination;
    this.millionths = millionths;
  }

  public CompiledDestination destination() {
    return destination;
  }

  /** The share mirrored, in millionths; {@link MirrorPolicy#ALL} for every request. */
  public int millionths() {
    return millionths;
  }

  /** True when a draw in {@code [0, MirrorPolicy.ALL)} mirrors the request (Envoy's runtime fraction). */
  public boolean takes(int draw) {
    return draw < millionths;
  }

  @Override
  public String toString() {
    return destination.destination() + " " + (millionths / 10_000.0) + "%";
  }
}
