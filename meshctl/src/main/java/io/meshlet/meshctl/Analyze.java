package io.meshlet.meshctl;

import io.meshlet.core.config.ConfigProblem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code meshctl analyze DIR...}: the mesh's own validation, offline, with an exit code a pipeline can gate on. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Validate Istio YAML files or directories as the mesh reads them: every error and warning with the path to "
        + "its field, and references that point nowhere. Exit code 1 on errors.")
final class Analyze implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "YAML files or directories of them.")
  List<Path> paths;

  @Mixin WorkloadOptions workload;

  @Option(names = "--known-host", paramLabel = "HOST",
      description = "A host known to the mesh from elsewhere (Consul, xDS): routes to it are not dangling (repeatable).")
  List<String> knownHosts = new ArrayList<>();

  @Option(names = "--fail-on-warnings", description = "Exit 1 on warnings too.")
  boolean failOnWarnings;

  @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
  Output output;

  enum Output { text, json }

  @Override
  public Integer call() {
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new IllegalArgumentException(p + ": no such file or directory");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    try (OfflineConfig config = OfflineConfig.load(paths, workload.workload(), knownHosts)) {
      List<ConfigProblem> errors = config.errors();
      List<ConfigProblem> warnings = config.warnings();
      if (output == Output.json) {
        out.println(Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Problems.json(errors, warnings)));
        out.flush();
      } else {
        Problems.text(out, errors, warnings);
        out.println(errors.isEmpty() && warnings.isEmpty()
            ? "No problems found in " + paths
            : errors.size() + " error" + (errors.size() == 1 ? "" : "s") + ", " + warnings.size() + " warning"
                + (warnings.size() == 1 ? "" : "s") + " in " + paths);
        out.flush();
      }
      return !errors.isEmpty() || (failOnWarnings && !warnings.isEmpty()) ? Meshctl.PROBLEMS : 0;
    }
  }
}
