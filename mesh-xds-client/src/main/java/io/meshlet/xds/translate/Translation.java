package io.meshlet.xds.translate;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.MeshConfig;
import java.util.List;

/**
 * What {@link XdsTranslator#translate} made of the resources: the model, and a problem per field
 * ignored (WARNING) or resource left out (ERROR).
 */
public record Translation(MeshConfig config, List<ConfigProblem> problems) {
  public Translation {
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
