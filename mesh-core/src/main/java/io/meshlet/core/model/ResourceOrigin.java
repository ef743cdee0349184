package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

/**
 * Where a resource came from: the config source's name ({@code file}, {@code xds}, ...) and a
 * location inside it that a person can find (a file path, an xDS resource name).
 */
public record ResourceOrigin(String source, String location) {
  public ResourceOrigin {
    requireNonNull(source, "source");
    requireNonNull(location, "location");
  }

  /** {@code mesh.yaml} for a file source (whose name already holds the path), {@code xds: reviews:9080} otherwise. */
  @Override
  public String toString() {
    return source.contains(location) ? location : source + ": " + location;
  }
}
