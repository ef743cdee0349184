package io.meshlet.meshctl;

/** A failure a command reports in one line and exits non-zero for (unreachable server, unknown workload). */
final class CommandException extends RuntimeException {
  CommandException(String message) {
    super(message);
  }
}
