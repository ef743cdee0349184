package io.meshlet.core.snapshot;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.config.ConfigProblem;
import java.time.Instant;
import java.util.List;

/**
 * An update the mesh refused, whole: which source, its version, when, and every error with its path.
 * The snapshot in force ({@code keptVersion}) did not change.
 */
public record Rejection(String source, String sourceVersion, Instant time, long keptVersion, List<ConfigProblem> errors) {
  public Rejection {
    requireNonNull(source, "source");
    requireNonNull(sourceVersion, "sourceVersion");
    requireNonNull(time, "time");
    errors = List.copyOf(errors);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("rejected update ").append(sourceVersion).append(" from ").append(source)
        .append(" at ").append(time).append(" (").append(errors.size()).append(errors.size() == 1 ? " error" : " errors")
        .append("; snapshot ").append(keptVersion).append(" stays in force)");
    for (ConfigProblem p : errors) {
      sb.append("\n  ").append(p);
    }
    return sb.toString();
  }
}
