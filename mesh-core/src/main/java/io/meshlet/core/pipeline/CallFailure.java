package io.meshlet.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.GrpcCode;

/**
 * A call the mesh fails without a response: no route ({@code NR}), no cluster ({@code NC}), a host
 * REGISTRY_ONLY blocks, no endpoint ({@code UH}), a deadline passed ({@code UT}), or the last try's
 * failure ({@code UF}, {@code UC}, {@code UT}). An HTTP adapter throws it as an exception, a gRPC
 * adapter closes the call with the {@link #flag()}'s status.
 *
 * @param flag the flag that says why
 * @param flags every flag of the call ({@code flag} included: {@code DI,UH})
 * @param message what happened, in words, without the flag
 */
public record CallFailure(ResponseFlag flag, ResponseFlags flags, String message) implements Routed {
  public CallFailure {
    requireNonNull(flag, "flag");
    requireNonNull(flags, "flags");
    requireNonNull(message, "message");
  }

  static CallFailure of(ResponseFlag flag, String message) {
    return new CallFailure(flag, ResponseFlags.of(flag), message);
  }

  /**
   * The gRPC code a gRPC adapter closes the call with: {@code DEADLINE_EXCEEDED} for a timeout
   * ({@code UT}), {@code UNIMPLEMENTED} for no route ({@code NR}, as Envoy's 404 reaches a gRPC
   * client), {@code RESOURCE_EXHAUSTED} for a rate limit, {@code UNAVAILABLE} otherwise.
   */
  public GrpcCode grpcCode() {
    switch (flag) {
      case UT:
        return GrpcCode.DEADLINE_EXCEEDED;
      case NR:
        return GrpcCode.UNIMPLEMENTED;
      case RL:
        return GrpcCode.RESOURCE_EXHAUSTED;
      default:
        return GrpcCode.UNAVAILABLE;
    }
  }

  /**
   * The HTTP status Envoy answers such a failure with (what metrics and access logs report): 504
   * for {@code UT}, 404 for {@code NR}, 502 for {@code BLOCKED}, 429 for {@code RL}, else 503.
   */
  public int httpStatus() {
    switch (flag) {
      case UT:
        return 504;
      case NR:
        return 404;
      case BLOCKED:
        return 502;
      case RL:
        return 429;
      default:
        return 503;
    }
  }

  @Override
  public Kind kind() {
    return Kind.FAILURE;
  }

  /** {@code no endpoint for reviews... (UH)}: the message with the flag, as errors show it. */
  @Override
  public String toString() {
    return message + " (" + flag.name() + ")";
  }
}
