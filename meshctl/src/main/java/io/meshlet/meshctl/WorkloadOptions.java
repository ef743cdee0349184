package io.meshlet.meshctl;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The workload offline config is compiled for: its name, namespace and labels. */
final class WorkloadOptions {
  @Option(names = "--workload", defaultValue = "meshctl", description = "The workload's name (default: ${DEFAULT-VALUE}).")
  String workload;

  @Option(names = {"-n", "--namespace"}, defaultValue = "default",
      description = "The workload's namespace, and that of resources without one (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = {"-l", "--label"}, description = "A label of the workload, key=value (repeatable).")
  Map<String, String> labels = new LinkedHashMap<>();

  OfflineConfig.Workload workload() {
    return new OfflineConfig.Workload(workload, namespace, labels);
  }
}
