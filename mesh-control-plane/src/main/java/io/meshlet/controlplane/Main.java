package io.meshlet.controlplane;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar mesh-control-plane.jar --config-dir DIR [--config-dir DIR2] [--port 15010] [--namespace default] [--root-namespace istio-system]}:
 * serves the Istio YAML under the directories as xDS until stopped.
 */
public final class Main {
  private static final Logger logger = LoggerFactory.getLogger(Main.class);
  static final String USAGE = "usage: mesh-control-plane --config-dir DIR [--port 15010] [--namespace default] [--root-namespace istio-system] [--poll-interval-ms 250]";

  private Main() {}

  public static void main(String[] args) throws Exception {
    MeshControlPlane.Builder b;
    try {
      b = parse(args);
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    MeshControlPlane cp = b.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(cp::close, "mesh-control-plane-shutdown"));
    logger.info("mesh-control-plane listening on port {}", cp.port());
    cp.awaitTermination();
  }

  static MeshControlPlane.Builder parse(String[] args) {
    MeshControlPlane.Builder b = MeshControlPlane.builder();
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        throw new IllegalArgumentException("mesh-control-plane: serves Istio YAML as xDS (ADS)");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(arg + ": missing value");
      }
      String value = args[++i];
      switch (arg) {
        case "--config-dir" -> {
          Path p = Path.of(value);
          if (!Files.exists(p)) {
            throw new IllegalArgumentException("--config-dir: " + value + " does not exist");
          }
          dirs.add(p);
        }
        case "--port" -> b.port(number(arg, value));
        case "--namespace" -> b.namespace(value);
        case "--root-namespace" -> b.rootNamespace(value);
        case "--poll-interval-ms" -> b.pollInterval(java.time.Duration.ofMillis(number(arg, value)));
        default -> throw new IllegalArgumentException(arg + ": unknown option");
      }
    }
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("--config-dir: missing (expected: a directory of Istio YAML files)");
    }
    return b.paths(dirs);
  }

  private static int number(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + value + "' (expected: a number)");
    }
  }
}
