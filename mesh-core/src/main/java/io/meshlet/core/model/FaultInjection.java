package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code HTTPFaultInjection}, applied by the client before the call. Percentages are
 * 0..100; an unset percentage is 0, as in Istio: no request is affected.
 */
public record FaultInjection(@Nullable Delay delay, @Nullable Abort abort) {
  /** Wait {@code fixedDelay} before sending, for {@code percentage} % of requests. */
  public record Delay(Duration fixedDelay, double percentage) {
    public Delay {
      requireNonNull(fixedDelay, "fixedDelay");
    }
  }

  /**
   * Answer without calling, for {@code percentage} % of requests: with {@code httpStatus} over HTTP,
   * with {@code grpcStatus} (a gRPC code name such as {@code UNAVAILABLE}) over gRPC when set.
   */
  public record Abort(int httpStatus, @Nullable String grpcStatus, double percentage) {}
}
