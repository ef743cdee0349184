package io.meshlet.core.config;

import io.meshlet.core.model.MeshResource;
import org.jspecify.annotations.Nullable;

/**
 * A compiler (route table, inbound policies) failed on a resource it was compiling: carries the
 * problem that names it, so the runtime rejects the update with the resource named instead of an
 * anonymous "internal error". The cause may be an {@link Error} (a stack overflow, say); the stack has
 * unwound by the time this is thrown.
 */
public final class CompileFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ConfigProblem problem;

  /**
   * @param resource the resource being compiled, or null when the failure belongs to none
   * @param what what was being compiled, for the message ({@code "cluster outbound|80||a.b"}), or empty
   */
  public CompileFailure(@Nullable MeshResource resource, String what, String fallbackLocation, Throwable cause) {
    super(cause.toString(), cause);
    String message = "cannot be compiled" + (what.isEmpty() ? "" : " (" + what + ")") + ": " + cause;
    this.problem = resource == null
        ? ConfigProblem.error(null, null, fallbackLocation, "", message)
        : ConfigProblem.error(resource.id().kind(), resource.id().name(), resource.origin().location(), "", message);
  }

  public ConfigProblem problem() {
    return problem;
  }
}
