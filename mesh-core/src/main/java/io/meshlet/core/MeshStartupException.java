package io.meshlet.core;

/** Thrown by {@code Mesh.builder().build()} when no valid config arrives in time; says which source and why. */
public final class MeshStartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MeshStartupException(String message) {
    super(message);
  }
}
