package io.meshlet.core.pipeline;

/** The host is not the mesh's: the call goes where the caller sent it, untouched. */
public enum Passthrough implements Routed {
  INSTANCE;

  @Override
  public Kind kind() {
    return Kind.PASSTHROUGH;
  }
}
