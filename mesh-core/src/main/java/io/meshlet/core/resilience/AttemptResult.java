package io.meshlet.core.resilience;

/**
 * What one try of a call came back with: an HTTP status, or a failure with no response. Adapters
 * classify their transport's outcomes into this; the retry policy and outlier detection read it.
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
    null, new AttemptResult(0, Failure.CONNECT_FAILURE), new AttemptResult(0, Failure.RESET),
    new AttemptResult(0, Failure.TIMEOUT), new AttemptResult(0, Failure.REFUSED_STREAM)
  };

  private final int status;
  private final Failure failure;

  private AttemptResult(int status, Failure failure) {
    this.status = status;
    this.failure = failure;
  }

  public static AttemptResult status(int status) {
    return new AttemptResult(status, Failure.NONE);
  }

  public static AttemptResult failure(Failure failure) {
    if (failure == Failure.NONE) {
      throw new IllegalArgumentException("failure: NONE (expected: a failure)");
    }
    return FAILURES[failure.ordinal()];
  }

  /** The HTTP status, or 0 for a failure. */
  public int status() {
    return status;
  }

  public Failure failure() {
    return failure;
  }

  public boolean isFailure() {
    return failure != Failure.NONE;
  }

  public boolean is5xx() {
    return status >= 500 && status <= 599;
  }

  public boolean isGatewayError() {
    return status == 502 || status == 503 || status == 504;
  }

  @Override
  public String toString() {
    return failure == Failure.NONE ? Integer.toString(status) : failure.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
