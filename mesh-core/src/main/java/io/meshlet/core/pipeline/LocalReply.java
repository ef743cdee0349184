package io.meshlet.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.DirectResponse;
import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.model.GrpcCode;
import io.meshlet.core.model.Headers;
import io.meshlet.core.resilience.LocalRateLimit;
import io.meshlet.core.routing.CompiledRoute;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An answer the mesh gives itself instead of forwarding the call: a direct response, a local rate
 * limit, a fault abort, an overflowing pool or open circuit breaker, a denied inbound call. An HTTP
 * adapter answers with {@link #status()}, {@link #headers()} and {@link #body()}; a gRPC adapter
 * closes the call with {@link #effectiveGrpcCode()} and {@link #message()} as the description.
 *
 * @param status the HTTP status
 * @param grpcCode the gRPC status for gRPC callers, or null for the one gRPC derives from {@code status}
 * @param flags the response flags to report ({@link ResponseFlag#HEADER}); may be empty
 * @param body the body (plain text, except a direct response's, which is the rule's own bytes);
 *     shared, never modified
 * @param headers extra response headers ({@code x-envoy-ratelimited: true})
 * @param responseHeaderOps the route's response header operations, applied after {@code headers}
 */
public record LocalReply(
    int status, @Nullable GrpcCode grpcCode, ResponseFlags flags, byte[] body, Map<String, String> headers,
    Headers responseHeaderOps) implements Routed {
  /** The body Envoy answers a call denied by RBAC with. */
  public static final String DENIED_BODY = "RBAC: access denied";
  /** The body of a fault abort, as Envoy's fault filter writes it. */
  public static final String ABORT_BODY = "fault filter abort";

  private static final LocalReply DENIED = new LocalReply(403, null, ResponseFlags.NONE, utf8(DENIED_BODY), Map.of(), Headers.NONE);

  public LocalReply {
    requireNonNull(flags, "flags");
    requireNonNull(body, "body");
    headers = Map.copyOf(headers);
    requireNonNull(responseHeaderOps, "responseHeaderOps");
  }

  /** The body as text: the gRPC status description. */
  public String message() {
    return new String(body, StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The gRPC status of this reply: the one given, or gRPC's mapping of the HTTP status. */
  public GrpcCode effectiveGrpcCode() {
    return grpcCode != null ? grpcCode : GrpcCode.fromHttp(status);
  }

  /**
   * A local rate limit's answer, the same on the client and the server side: 429 with {@code RL}
   * and {@code x-envoy-ratelimited}, {@code RESOURCE_EXHAUSTED} over gRPC (as Envoy's
   * {@code rate_limited_as_resource_exhausted}).
   */
  public static LocalReply rateLimited(LocalRateLimit limit) {
    return new LocalReply(429, GrpcCode.RESOURCE_EXHAUSTED, ResponseFlags.of(ResponseFlag.RL),
        utf8("local rate limit: " + limit.source()), Map.of(LocalRateLimit.RATELIMITED_HEADER, "true"), Headers.NONE);
  }

  /**
   * 401 with Envoy's {@code jwt_authn} body ({@code Jwt is expired}, ...) and its {@code
   * www-authenticate} header, {@code UNAUTHENTICATED} over gRPC: a refused JSON Web Token.
   */
  public static LocalReply unauthenticated(String message, String realm) {
    return new LocalReply(401, GrpcCode.UNAUTHENTICATED, ResponseFlags.NONE, utf8(message),
        Map.of("www-authenticate", "Bearer realm=\"" + realm + "\", error=\"invalid_token\""), Headers.NONE);
  }

  /** 403 {@code RBAC: access denied}, {@code PERMISSION_DENIED} over gRPC. */
  public static LocalReply denied() {
    return DENIED;
  }

  /** The mesh's answer to a CORS preflight: 200, empty body, with these headers. */
  static LocalReply preflight(Map<String, String> headers) {
    return new LocalReply(200, null, ResponseFlags.NONE, new byte[0], headers, Headers.NONE);
  }

  /** This reply with {@code more} headers too (CORS headers on a reply to an allowed CORS request). */
  LocalReply withHeaders(Map<String, String> more) {
    if (more.isEmpty()) {
      return this;
    }
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.putAll(more);
    return new LocalReply(status, grpcCode, flags, body, all, responseHeaderOps);
  }

  static LocalReply direct(CompiledRoute route) {
    DirectResponse direct = route.directResponse();
    return new LocalReply(direct.status(), null, ResponseFlags.NONE, direct.body(), Map.of(), route.headers().response());
  }

  static LocalReply abort(FaultInjection.Abort abort, ResponseFlags flags) {
    GrpcCode grpc = abort.grpcStatus() == null ? null : GrpcCode.named(abort.grpcStatus());
    int status = abort.httpStatus() > 0 ? abort.httpStatus() : 503;
    return new LocalReply(status, grpc, flags.with(ResponseFlag.FI), utf8(ABORT_BODY), Map.of(), Headers.NONE);
  }

  static LocalReply overflow(String why, ResponseFlags flags) {
    return new LocalReply(503, null, flags.with(ResponseFlag.UO), utf8("upstream overflow: " + why), Map.of(), Headers.NONE);
  }

  @Override
  public Kind kind() {
    return Kind.LOCAL_REPLY;
  }
}
