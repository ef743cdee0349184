package io.meshlet.core.model;

import org.jspecify.annotations.Nullable;

/**
 * gRPC's status codes, by the names Istio's {@code fault.abort.grpcStatus} and {@code
 * retries.retryOn} use, with the two mappings a mesh needs: a gRPC status as the HTTP status Envoy
 * counts it as (outlier detection, circuit breaking), and an HTTP status a mesh answers with as the
 * gRPC status a gRPC client sees (gRPC's "HTTP to gRPC status code mapping").
 */
public enum GrpcCode {
  OK(200),
  CANCELLED(499),
  UNKNOWN(500),
  INVALID_ARGUMENT(400),
  DEADLINE_EXCEEDED(504),
  NOT_FOUND(404),
  ALREADY_EXISTS(409),
  PERMISSION_DENIED(403),
  RESOURCE_EXHAUSTED(429),
  FAILED_PRECONDITION(400),
  ABORTED(409),
  OUT_OF_RANGE(400),
  UNIMPLEMENTED(501),
  INTERNAL(500),
  UNAVAILABLE(503),
  DATA_LOSS(500),
  UNAUTHENTICATED(401);

  private static final GrpcCode[] CODES = values();

  private final int httpStatus;

  GrpcCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The code's number on the wire ({@code grpc-status}). */
  public int value() {
    return ordinal();
  }

  /** The HTTP status Envoy counts this gRPC status as ({@code Grpc::Utility::grpcToHttpStatus}). */
  public int httpStatus() {
    return httpStatus;
  }

  /** The code with this number, or null when there is none. */
  public static @Nullable GrpcCode of(int value) {
    return value >= 0 && value < CODES.length ? CODES[value] : null;
  }

  /** The code with this name ({@code UNAVAILABLE}), or null. */
  public static @Nullable GrpcCode named(String name) {
    for (GrpcCode c : CODES) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /**
   * The gRPC status a gRPC client derives from an HTTP status that is not 200 (gRPC's
   * http-grpc-status-mapping): 400 INTERNAL, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404
   * UNIMPLEMENTED, 429, 502, 503, 504 UNAVAILABLE, anything else UNKNOWN.
   */
  public static GrpcCode fromHttp(int status) {
    switch (status) {
      case 400:
        return INTERNAL;
      case 401:
        return UNAUTHENTICATED;
      case 403:
        return PERMISSION_DENIED;
      case 404:
        return UNIMPLEMENTED;
      case 429:
      case 502:
      case 503:
      case 504:
        return UNAVAILABLE;
      default:
        return UNKNOWN;
    }
  }
}
