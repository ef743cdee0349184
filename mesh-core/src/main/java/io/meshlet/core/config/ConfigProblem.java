package io.meshlet.core.config;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.CompileFailure;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.ResourceId;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One error or warning about config, with the path to the field:
 * {@code VirtualService reviews (mesh.yaml): http[1].route[0].weight: -5 (expected: 0..100)}.
 *
 * @param kind the resource kind, or null for a problem with a whole document or file
 * @param name the resource name, or null when unknown
 * @param location where the resource is (a file, an xDS resource name)
 * @param path the field path inside the resource ({@code http[1].route[0].weight}), or empty
 * @param namespace the resource's namespace, or null when unknown (a whole document, or a reporter
 *     that names the resource by kind and name only): with kind and name it tells two resources of
 *     one name in different namespaces apart (not shown by {@link #toString()})
 */
public record ConfigProblem(
    Severity severity, @Nullable String kind, @Nullable String name, String location, String path, String message,
    @Nullable String namespace) {

  public enum Severity {
    ERROR,
    WARNING
  }

  public ConfigProblem {
    requireNonNull(severity, "severity");
    requireNonNull(location, "location");
    requireNonNull(path, "path");
    requireNonNull(message, "message");
  }

  /** A problem whose resource namespace is unknown. */
  public ConfigProblem(
      Severity severity, @Nullable String kind, @Nullable String name, String location, String path, String message) {
    this(severity, kind, name, location, path, message, null);
  }

  public static ConfigProblem error(@Nullable String kind, @Nullable String name, String location, String path, String message) {
    return new ConfigProblem(Severity.ERROR, kind, name, location, path, message);
  }

  public static ConfigProblem warning(@Nullable String kind, @Nullable String name, String location, String path, String message) {
    return new ConfigProblem(Severity.WARNING, kind, name, location, path, message);
  }

  /** An error about the resource {@code id} (its kind, name and namespace). */
  public static ConfigProblem error(ResourceId id, String location, String path, String message) {
    return new ConfigProblem(Severity.ERROR, id.kind(), id.name(), location, path, message, id.namespace());
  }

  /** A warning about the resource {@code id} (its kind, name and namespace). */
  public static ConfigProblem warning(ResourceId id, String location, String path, String message) {
    return new ConfigProblem(Severity.WARNING, id.kind(), id.name(), location, path, message, id.namespace());
  }

  /**
   * Whether this problem is about the resource {@code id}: same kind and name, and same namespace
   * when this problem knows it (one that does not is taken to be about every namespace's).
   */
  public boolean isAbout(ResourceId id) {
    return id.kind().equals(kind) && id.name().equals(name) && (namespace == null || namespace.equals(id.namespace()));
  }

  /**
   * The error of a {@link CompileFailure}: on the resource it names (else at {@code fallbackLocation}),
   * saying what was being compiled and what was thrown.
   */
  public static ConfigProblem of(CompileFailure failure, String fallbackLocation) {
    MeshResource r = failure.resource();
    Throwable cause = failure.getCause() == null ? failure : failure.getCause();
    String message = "cannot be compiled" + (failure.what().isEmpty() ? "" : " (" + failure.what() + ")") + ": " + cause;
    return r == null
        ? error(null, null, fallbackLocation, "", message)
        : error(r.id(), r.origin().location(), "", message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** The errors among {@code problems}. */
  public static List<ConfigProblem> errors(List<ConfigProblem> problems) {
    return problems.stream().filter(ConfigProblem::isError).toList();
  }

  /** The warnings among {@code problems}. */
  public static List<ConfigProblem> warnings(List<ConfigProblem> problems) {
    return problems.stream().filter(p -> !p.isError()).toList();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (kind != null) {
      sb.append(kind).append(' ');
      sb.append(name != null ? name : "<unnamed>").append(" (").append(location).append(')');
    } else {
      sb.append(location);
    }
    sb.append(": ");
    if (!path.isEmpty()) {
      sb.append(path).append(": ");
    }
    return sb.append(message).toString();
  }
}
