package io.meshlet.core.config;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.MeshConfig;
import java.util.List;

/**
 * Everything one source holds now (state of the world), already translated into the model. An
 * update that carries any {@link ConfigProblem.Severity#ERROR} is rejected whole by the runtime.
 *
 * @param source the source's name
 * @param version the source's own version label (a content hash, an xDS version)
 */
public record SourceUpdate(String source, String version, MeshConfig config, List<ConfigProblem> problems) {
  public SourceUpdate {
    requireNonNull(source, "source");
    requireNonNull(version, "version");
    requireNonNull(config, "config");
    problems = List.copyOf(problems);
  }

  public List<ConfigProblem> errors() {
    return ConfigProblem.errors(problems);
  }

  public List<ConfigProblem> warnings() {
    return ConfigProblem.warnings(problems);
  }
}
