package io.meshlet.core.resilience;

import io.meshlet.core.model.GrpcCode;
import java.util.Locale;

/**
 * What one try of a call came back with: an HTTP status, a gRPC status, or a failure with no
 * response. Adapters classify their transport's outcomes into this; the retry policy, outlier
 * detection and circuit breakers read it.
 *
 * <p>A gRPC status travels in trailers of an HTTP 200, so {@link #status()} is 200 for it and the
 * HTTP retry conditions ({@code 5xx}, {@code gateway-error}, {@code retriable-status-codes}) do not
 * see it, as in Envoy; the gRPC conditions ({@code unavailable}, {@code cancelled}, ...) do. Outlier
 * detection and circuit breakers count it as the HTTP status Envoy maps it to ({@link
 * GrpcCode#httpStatus()}: {@code UNAVAILABLE} as a 503, {@code INTERNAL} as a 500).
 */
public final class AttemptResult {
  /** Failures with no response, all "local origin" in Envoy's terms. */
  public enum Failure {
    NONE,
    /** The connection could not be made. */
    CONNECT_FAILURE,
    /** The connection or stream was reset or closed before a response. */
    RESET,
    /** No response within the try's timeout. */
    TIMEOUT,
    /** An HTTP/2 stream refused with REFUSED_STREAM. */
    REFUSED_STREAM
  }

  private static final AttemptResult[] FAILURES = {
    null, new AttemptResult(0, -1, Failure.CONNECT_FAILURE), new AttemptResult(0, -1, Failure.RESET),
    new AttemptResult(0, -1, Failure.TIMEOUT), new AttemptResult(0, -1, Failure.REFUSED_STREAM)
  };
  private static final AttemptResult[] GRPC = new AttemptResult[GrpcCode.values().length];

  static {
    for (GrpcCode c : GrpcCode.values()) {
      GRPC[c.value()] = new AttemptResult(200, c.value(), Failure.NONE);
    }
  }

  private final int status;
  private final int grpcStatus;
  private final Failure failure;

  private AttemptResult(int status, int grpcStatus, Failure failure) {
    this.status = status;
    this.grpcStatus = grpcStatus;
    this.failure = failure;
  }

  public static AttemptResult status(int status) {
    return new AttemptResult(status, -1, Failure.NONE);
  }

  /** A gRPC call that ended with this status from the server (or the server's side of the stream). */
  public static AttemptResult grpc(GrpcCode code) {
    return GRPC[code.value()];
  }

  public static AttemptResult failure(Failure failure) {
    if (failure == Failure.NONE) {
      throw new IllegalArgumentException("failure: NONE (expected: a failure)");
    }
    return FAILURES[failure.ordinal()];
  }

  /** The HTTP status, 200 for a gRPC status, 0 for a failure. */
  public int status() {
    return status;
  }

  /** The gRPC status code's number, or -1 when this is not a gRPC result. */
  public int grpcStatus() {
    return grpcStatus;
  }

  public boolean isGrpc() {
    return grpcStatus >= 0;
  }

  public Failure failure() {
    return failure;
  }

  public boolean isFailure() {
    return failure != Failure.NONE;
  }

  /** A 5xx HTTP status (the retry condition {@code 5xx} reads this; a gRPC status is never one). */
  public boolean is5xx() {
    return status >= 500 && status <= 599;
  }

  /** 502, 503 or 504 (the retry condition {@code gateway-error}). */
  public boolean isGatewayError() {
    return status == 502 || status == 503 || status == 504;
  }

  /** The HTTP status outlier detection and circuit breakers count: the status, or a gRPC status as Envoy maps it. */
  public int countedStatus() {
    return grpcStatus >= 0 ? GrpcCode.of(grpcStatus).httpStatus() : status;
  }

  /** An error of the upstream as outlier detection counts it: a 5xx, or a gRPC status Envoy maps to one. */
  public boolean countsAs5xx() {
    int s = countedStatus();
    return s >= 500 && s <= 599;
  }

  /** A gateway error as outlier detection counts it (502, 503, 504, or UNAVAILABLE / DEADLINE_EXCEEDED). */
  public boolean countsAsGatewayError() {
    int s = countedStatus();
    return s == 502 || s == 503 || s == 504;
  }

  @Override
  public String toString() {
    if (failure != Failure.NONE) {
      return failure.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
    return grpcStatus >= 0 ? "grpc-status " + GrpcCode.of(grpcStatus) : Integer.toString(status);
  }
}
