package io.meshlet.core.internal;

/**
 * Why {@link MeshRuntime#start} gave up: no valid config in time, a source's first update rejected,
 * or a source failed. {@code Mesh} turns it into the public {@code MeshStartupException} with the
 * same message.
 */
public final class StartupFailure extends Exception {
  private static final long serialVersionUID = 1L;

  public StartupFailure(String message) {
    super(message);
  }
}
