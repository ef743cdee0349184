package io.meshlet.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.meshlet.core.model.GrpcCode;
import io.meshlet.core.pipeline.CallFailure;
import io.meshlet.core.pipeline.LocalReply;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.pipeline.ResponseFlags;
import io.meshlet.core.resilience.AttemptResult;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** The mesh's outcomes as gRPC statuses and trailers, and gRPC's outcomes of one try in the mesh's terms. */
final class GrpcStatuses {
  /** The trailer that lists a call's response flags ({@link ResponseFlag#HEADER}). */
  static final Metadata.Key<String> RESPONSE_FLAGS = Metadata.Key.of(ResponseFlag.HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private GrpcStatuses() {}

  /**
   * The status of a call the mesh fails: {@link CallFailure#grpcCode()}; the description is the
   * mesh's message with its flag.
   */
  static Status of(CallFailure failure, @Nullable Throwable cause) {
    return Status.fromCodeValue(failure.grpcCode().value()).withDescription(failure.toString()).withCause(cause);
  }


  /** The status of an answer the mesh gives itself: its gRPC code, the body as description, the flag appended. */
  static Status of(LocalReply reply) {
    String text = reply.message();
    if (!reply.flags().isEmpty()) {
      text += " (" + reply.flags() + ")";
    }
    return Status.fromCodeValue(reply.effectiveGrpcCode().value()).withDescription(text);
  }

  /** Trailers carrying {@code flags} (and a local reply's own headers, such as {@code x-envoy-ratelimited}). */
  static Metadata trailers(ResponseFlags flags, Map<String, String> headers) {
    Metadata trailers = new Metadata();
    addFlags(trailers, flags);
    headers.forEach((name, value) -> trailers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
    return trailers;
  }

  static void addFlags(Metadata trailers, ResponseFlags flags) {
    if (!flags.isEmpty()) {
      trailers.discardAll(RESPONSE_FLAGS);
      trailers.put(RESPONSE_FLAGS, flags.toString());
    }
  }

  private static boolean isTls(@Nullable Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof SSLException || t instanceof java.security.cert.CertificateException) {
        return true;
      }
    }
    return false;
  }

  /**
   * What the mesh says of a try's status: the TLS reason of a failed handshake (the identity check's
   * message names the expected and the presented names, wherever the TLS engine wrapped it), else
   * the status itself.
   */
  static String describe(Status status) {
    for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertificateException) {
        return "TLS: " + t.getMessage();
      }
    }
    for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return "TLS: " + t.getMessage();
      }
    }
    return status.getCode() + (status.getDescription() != null ? ": " + status.getDescription() : "");
  }

  /**
   * What one try ended with. A status with an I/O cause is the transport's: a connection that could
   * not be made (refused, timed out, or its TLS handshake failed) is a connect failure, any other a
   * reset; a stream reset by the peer is a reset (or a refused stream); {@code DEADLINE_EXCEEDED} is
   * the try's timeout when it had one. Anything else is the server's gRPC status.
   */
  static AttemptResult classify(Status status, boolean tryHadTimeout) {
    Throwable cause = status.getCause();
    if (cause instanceof ConnectException || cause instanceof SSLException || isTls(cause)) {
      return AttemptResult.failure(AttemptResult.Failure.CONNECT_FAILURE);
    }
    if (cause instanceof IOException) {
      return AttemptResult.failure(AttemptResult.Failure.RESET);
    }
    String description = status.getDescription();
    if (description != null && status.getCode() != Status.Code.OK) {
      String d = description.toUpperCase(Locale.ROOT);
      if (d.contains("REFUSED_STREAM")) {
        return AttemptResult.failure(AttemptResult.Failure.REFUSED_STREAM);
      }
      if (d.contains("RST_STREAM") || d.contains("RST STREAM")) {
        return AttemptResult.failure(AttemptResult.Failure.RESET);
      }
    }
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && tryHadTimeout) {
      return AttemptResult.failure(AttemptResult.Failure.TIMEOUT);
    }
    GrpcCode code = GrpcCode.of(status.getCode().value());
    return AttemptResult.grpc(code != null ? code : GrpcCode.UNKNOWN);
  }
}
