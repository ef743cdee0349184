package io.meshlet.core.model;

import org.jspecify.annotations.Nullable;

/**
 * A compiler (route table, inbound policies) failed on a resource it was compiling: says which, so
 * that the runtime and the xDS client reject the update with the resource named ({@code
 * ConfigProblem.of(CompileFailure, ...)}) instead of an anonymous "internal error". The cause may be
 * an {@link Error} (a stack overflow, say); the stack has unwound by the time this is thrown.
 */
public final class CompileFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient @Nullable MeshResource resource;
  private final String what;

  /**
   * @param resource the resource being compiled, or null when the failure belongs to none
   * @param what what of it was being compiled, for the message ({@code "cluster outbound|80||a.b"}), or empty
   */
  public CompileFailure(@Nullable MeshResource resource, String what, Throwable cause) {
    super((resource == null ? "" : resource.id() + ": ") + cause, cause);
    this.resource = resource;
    this.what = what;
  }

  public @Nullable MeshResource resource() {
    return resource;
  }

  public String what() {
    return what;
  }
}
