package io.meshlet.meshctl;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code meshctl}: {@code analyze} Istio YAML offline (a GitOps gate), {@code explain} where a
 * request goes and why (offline, against a workload's actuator, or the control plane), and {@code
 * proxy-config} of a workload (its routes, clusters, endpoints, config dump). Exit codes: 0 fine,
 * 1 the config has errors (or warnings with {@code --fail-on-warnings}), 2 a bad command line, 3
 * a server that cannot be read.
 */
@Command(name = "meshctl", mixinStandardHelpOptions = true, version = "meshctl 0.1.0-SNAPSHOT",
    description = "Meshlet's command line: analyze Istio YAML, explain requests, show a workload's proxy config.",
    subcommands = {Analyze.class, Explain.class, ProxyConfig.class, CommandLine.HelpCommand.class})
public final class Meshctl {
  static final int PROBLEMS = 1;
  static final int UNREACHABLE = 3;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line, printing to {@code out} and {@code err}; returns the exit code. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Meshctl());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof CommandException || e instanceof IllegalArgumentException) {
        line.getErr().println("meshctl: " + e.getMessage());
        line.getErr().flush();
        return e instanceof CommandException ? UNREACHABLE : CommandLine.ExitCode.USAGE;
      }
      throw e;
    });
    return cli.execute(args);
  }
}
