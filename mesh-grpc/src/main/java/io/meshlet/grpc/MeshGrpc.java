package io.meshlet.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.TlsServerCredentials;
import io.meshlet.core.Mesh;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.security.InboundDecision;

/**
 * The mesh in gRPC, client and server side.
 *
 * <pre>{@code
 * ManagedChannel channel = MeshGrpc.newChannelBuilder(mesh, "reviews:9080").build();
 * ReviewsGrpc.ReviewsBlockingStub reviews = ReviewsGrpc.newBlockingStub(channel);
 *
 * Server server = Grpc.newServerBuilderForPort(9080, MeshGrpc.serverCredentials(mesh))
 *     .addStreamTracerFactory(MeshGrpc.serverStreamTracer(mesh))   // body bytes for the metrics
 *     .addService(ServerInterceptors.intercept(new ReviewsService(), MeshGrpc.serverInterceptor(mesh)))
 *     .build().start();
 * }</pre>
 *
 * <p>Every call on a mesh channel is routed as an HTTP request to the target would be: the full
 * method ({@code /package.Service/Method}) is the uri, the metadata are the headers, the target
 * ({@code reviews:9080}, {@code reviews.default.svc.cluster.local:9080}) the host and authority.
 * VirtualService matches, weighted splits, subsets, load balancers (per call), timeouts (as the
 * try's deadline), retries, faults, connection pools, circuit breakers, outlier detection, header
 * operations and DestinationRule {@code tls} apply. A call the mesh refuses closes with a status
 * that says why and ends with its response flag ({@code UNAVAILABLE: no endpoint for
 * reviews.default.svc.cluster.local subset v2 port 9080 (UH)}); the flags are also in the trailer
 * {@value ResponseFlag#HEADER}. See {@code docs/grpc.md}.
 */
public final class MeshGrpc {
  /** The caller's SPIFFE identity from its verified client certificate, in the server call's {@link Context}. */
  public static final Context.Key<SpiffeId> PEER_IDENTITY = Context.key("io.meshlet.peer");
  /** The authorization decision for the server call (absent when the workload enforces nothing). */
  public static final Context.Key<InboundDecision> INBOUND_DECISION = Context.key("io.meshlet.inbound");
  /** The trailer with the response flags of a call the mesh failed or changed. */
  public static final Metadata.Key<String> RESPONSE_FLAGS = GrpcStatuses.RESPONSE_FLAGS;

  private MeshGrpc() {}

  /**
   * A channel builder for {@code target} ({@code host[:port]}, a short name, a namespace-qualified
   * name or the FQDN, as the mesh's hosts are written) whose channel routes every call by the mesh.
   * Transport settings (keep-alive, message sizes, executors) work as on any gRPC channel; TLS,
   * name resolution, load balancing and retries are the mesh's.
   */
  public static ManagedChannelBuilder<?> newChannelBuilder(Mesh mesh, String target) {
    return new MeshChannelBuilder(requireNonNull(mesh, "mesh"), Target.parse(requireNonNull(target, "target")));
  }

  /**
   * The server side of the mesh as an interceptor: the caller's identity (from the client
   * certificate of a TLS connection) in {@link #PEER_IDENTITY}; PeerAuthentication and
   * AuthorizationPolicy ({@code paths} are full method names, {@code methods} is {@code POST}): a
   * denied call closes with {@code PERMISSION_DENIED: RBAC: access denied} and never reaches the
   * service; server-side rate limits close with {@code RESOURCE_EXHAUSTED} ({@code RL}); and the
   * caller's deadline bounds the calls the service makes while serving (OkHttp through the mesh
   * included). Intercept every service of the server with it.
   */
  public static ServerInterceptor serverInterceptor(Mesh mesh) {
    return new MeshServerInterceptor(requireNonNull(mesh, "mesh"));
  }

  /**
   * Counts the body bytes of every call the server serves, as Envoy counts them for {@code
   * istio_request_bytes} and {@code istio_response_bytes} on {@code reporter="destination"} (each
   * message's wire size plus its 5-byte frame header), for {@link #serverInterceptor} to report.
   * An interceptor does not see the wire, so without this the server side reports 0 bytes. Add it
   * to the server builder, beside the interceptor on the services:
   *
   * <pre>{@code
   * Grpc.newServerBuilderForPort(9080, MeshGrpc.serverCredentials(mesh))
   *     .addStreamTracerFactory(MeshGrpc.serverStreamTracer(mesh))
   *     .addService(ServerInterceptors.intercept(service, MeshGrpc.serverInterceptor(mesh)))
   * }</pre>
   *
   * With no listener on the mesh (no meter registry, OpenTelemetry or access log) it counts nothing.
   */
  public static ServerStreamTracer.Factory serverStreamTracer(Mesh mesh) {
    return new WireSizes.Server(requireNonNull(mesh, "mesh"));
  }

  /**
   * TLS with the mesh's certificate (following rotation) that asks for client certificates and
   * verifies them against the mesh roots; whether a call without one is allowed is
   * PeerAuthentication's to decide ({@link #serverInterceptor}). Callers must speak TLS to such a
   * port: a {@code PERMISSIVE} port that must also take plaintext callers needs a second, plaintext
   * port (gRPC's public API cannot serve both on one port).
   *
   * @throws IllegalStateException if the mesh has no certificates
   */
  public static ServerCredentials serverCredentials(Mesh mesh) {
    CertificateProvider certificates = requireNonNull(mesh, "mesh").certificates().orElseThrow(() -> new IllegalStateException(
        "serverCredentials: the mesh has no certificates (expected: Mesh.builder().certificates(...), "
            + "certificateFiles(...) or an xDS bootstrap with certificate_providers.default)"));
    return TlsServerCredentials.newBuilder()
        .keyManager(MeshTls.keyManager(certificates))
        .trustManager(MeshTls.trustManager(certificates))
        .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
        .build();
  }

  /**
   * Why a call to {@code target} would go where it goes ({@link Mesh#explain}): {@code fullMethodName}
   * is {@code package.Service/Method}, {@code headers} the metadata the call would carry.
   */
  public static Explanation explain(Mesh mesh, String target, String fullMethodName, Metadata headers) {
    requireNonNull(mesh, "mesh");
    return mesh.explain(new GrpcRequestView(Target.parse(target), requireNonNull(fullMethodName, "fullMethodName"), null,
        requireNonNull(headers, "headers")));
  }
}
