package io.meshlet.controlplane;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar mesh-control-plane.jar --config-dir DIR [--config-dir DIR2] [--port 15010] [--namespace default] [--root-namespace istio-system] [--trust-domain cluster.local]
 * [--admin-port 15014] [--prometheus-url http://prometheus:9090] [--scrape-interval-ms 5000]}:
 * serves the Istio YAML under the directories as xDS until stopped, and the admin API and console on
 * the admin port ({@code -1}: off).
 */
public final class Main {
  private static final Logger logger = LoggerFactory.getLogger(Main.class);
  static final String USAGE = "usage: mesh-control-plane --config-dir DIR [--port 15010] [--namespace default] [--root-namespace istio-system] [--trust-domain cluster.local] [--poll-interval-ms 250]"
      + " [--admin-port 15014 (-1: off)] [--prometheus-url URL] [--scrape-interval-ms 5000]";

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
    if (cp.adminEnabled()) {
      logger.info("console: http://localhost:{}/", cp.adminPort());
    }
    cp.awaitTermination();
  }

  static MeshControlPlane.Builder parse(String[] args) {
    MeshControlPlane.Builder b = MeshControlPlane.builder().adminPort(MeshControlPlane.Builder.DEFAULT_ADMIN_PORT);
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
        case "--trust-domain" -> b.trustDomain(value);
        case "--poll-interval-ms" -> b.pollInterval(java.time.Duration.ofMillis(number(arg, value)));
        case "--admin-port" -> b.adminPort(number(arg, value));
        case "--prometheus-url" -> b.prometheus(uri(arg, value));
        case "--scrape-interval-ms" -> b.scrapeInterval(java.time.Duration.ofMillis(number(arg, value)));
        default -> throw new IllegalArgumentException(arg + ": unknown option");
      }
    }
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("--config-dir: missing (expected: a directory of Istio YAML files)");
    }
    return b.paths(dirs);
  }

  private static java.net.URI uri(String option, String value) {
    try {
      return new java.net.URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(option + ": '" + value + "' (expected: a URL like http://prometheus:9090)");
    }
  }

  private static int number(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + value + "' (expected: a number)");
    }
  }
}
