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

  @Override
  public String toString() {
    return source + ":" + location;
  }
}
