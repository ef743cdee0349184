package io.meshlet.core.config.istio;

import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.model.GrpcCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code HTTPFaultInjection} ({@code http[].fault}). {@code exponentialDelay} and {@code
 * http2Error} are validated and listed as not yet applied (that delay or abort is left out). An abort
 * with only {@code grpcStatus} answers {@value #GRPC_ONLY_HTTP_STATUS} over HTTP. An unset
 * percentage is 0, as in Istio, and is warned about.
 */
final class FaultParser {
  /** The HTTP status of an abort that gives only a {@code grpcStatus}. */
  static final int GRPC_ONLY_HTTP_STATUS = 503;

  /** gRPC's status code names, without {@code OK}. */
  static final List<String> GRPC_STATUS = java.util.Arrays.stream(GrpcCode.values())
      .filter(c -> c != GrpcCode.OK).map(GrpcCode::name).toList();

  private static final List<String> ABORT_TYPES = List.of("httpStatus", "grpcStatus", "http2Error");

  private FaultParser() {}

  static @Nullable FaultInjection parse(@Nullable YamlObject fault) {
    if (fault == null) {
      return null;
    }
    FaultInjection.Delay delay = delay(fault.object("delay"));
    FaultInjection.Abort abort = abort(fault.object("abort"));
    if (!fault.has("delay") && !fault.has("abort")) {
      fault.problems().error(fault.path(), "neither delay nor abort (expected: at least one of them)");
    }
    return delay == null && abort == null ? null : new FaultInjection(delay, abort);
  }

  private static FaultInjection.@Nullable Delay delay(@Nullable YamlObject delay) {
    if (delay == null) {
      return null;
    }
    Problems problems = delay.problems();
    Duration fixed = delay.duration("fixedDelay");
    delay.duration("exponentialDelay");
    double percentage = percentage(delay, true, "delayed");
    if (delay.has("fixedDelay") && delay.has("exponentialDelay")) {
      problems.error(delay.path(), "fixedDelay and exponentialDelay given (expected: one of them)");
      return null;
    }
    if (delay.has("exponentialDelay")) {
      problems.notYetApplied(delay.path("exponentialDelay"), "not yet applied by Meshlet; this delay is not injected");
      return null;
    }
    if (!delay.has("fixedDelay")) {
      problems.error(delay.path("fixedDelay"), "missing (required)");
      return null;
    }
    return fixed == null ? null : new FaultInjection.Delay(fixed, percentage);
  }

  private static FaultInjection.@Nullable Abort abort(@Nullable YamlObject abort) {
    if (abort == null) {
      return null;
    }
    Problems problems = abort.problems();
    Long httpStatus = abort.integer("httpStatus", 200, 599);
    String grpcStatus = abort.enumValue("grpcStatus", GRPC_STATUS);
    abort.string("http2Error");
    double percentage = percentage(abort, false, "aborted");
    List<String> given = new ArrayList<>();
    for (String type : ABORT_TYPES) {
      if (abort.has(type)) {
        given.add(type);
      }
    }
    if (given.isEmpty()) {
      problems.error(abort.path(), "no error type (expected: one of httpStatus, grpcStatus, http2Error)");
      return null;
    }
    if (given.size() > 1) {
      problems.error(abort.path(), String.join(" and ", given) + " given (expected: exactly one of httpStatus, grpcStatus, http2Error)");
      return null;
    }
    if (abort.has("http2Error")) {
      problems.notYetApplied(abort.path("http2Error"), "not yet applied by Meshlet; this abort is not injected");
      return null;
    }
    if (httpStatus != null) {
      return new FaultInjection.Abort(httpStatus.intValue(), null, percentage);
    }
    return grpcStatus == null ? null : new FaultInjection.Abort(GRPC_ONLY_HTTP_STATUS, grpcStatus, percentage);
  }

  /**
   * {@code percentage.value} (0..100), else (delay only) the deprecated integer {@code percent}, else
   * 0 with a warning, as Istio leaves such a fault inert.
   */
  private static double percentage(YamlObject o, boolean deprecatedPercent, String affected) {
    YamlObject p = o.object("percentage");
    Double value = p == null ? null : p.number("value", 0, 100);
    Long percent = deprecatedPercent ? o.integer("percent", 0, 100) : null;
    if (p != null) {
      return value == null ? 0 : value;
    }
    if (percent != null) {
      return percent;
    }
    if (!o.has("percentage") && !(deprecatedPercent && o.has("percent"))) {
      o.problems().warning(o.path(), "percentage not set: no request is " + affected + " (as in Istio)");
    }
    return 0;
  }
}
