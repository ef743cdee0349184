package io.meshlet.core.pipeline;

import static java.util.Objects.requireNonNull;

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
