package io.meshlet.core.telemetry;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Whether access-log lines are written, in which format, and for which responses ({@code Telemetry}
 * {@code accessLogging[].filter.expression}, of which Meshlet understands {@code response.code <op>
 * <number>}).
 *
 * @param enabled whether lines are written
 * @param filter which status codes are logged; null for all
 */
public record AccessLogSettings(boolean enabled, AccessLog.Format format, @Nullable StatusFilter filter) {
  public static final AccessLogSettings OFF = new AccessLogSettings(false, AccessLog.Format.TEXT, null);

  public AccessLogSettings {
    requireNonNull(format, "format");
  }

  boolean logs(int status) {
    return enabled && (filter == null || filter.test(status));
  }

  /** {@code response.code <op> <value>}: the one filter expression shape Meshlet evaluates. */
  public record StatusFilter(String op, int value) {
    public StatusFilter {
      switch (op) {
        case ">=": case ">": case "<=": case "<": case "==": case "!=":
          break;
        default:
          throw new IllegalArgumentException("op: " + op + " (expected: >=, >, <=, <, == or !=)");
      }
    }

    public boolean test(int status) {
      switch (op) {
        case ">=": return status >= value;
        case ">": return status > value;
        case "<=": return status <= value;
        case "<": return status < value;
        case "==": return status == value;
        default: return status != value;
      }
    }

    @Override
    public String toString() {
      return "response.code " + op + " " + value;
    }
  }
}
