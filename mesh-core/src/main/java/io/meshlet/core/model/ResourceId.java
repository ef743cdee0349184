package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

/** Identifies one config resource: {@code VirtualService default/reviews}. */
public record ResourceId(String kind, String namespace, String name) {
  public ResourceId {
    requireNonNull(kind, "kind");
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name;
  }
}
