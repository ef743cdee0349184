/**
 * The mesh in gRPC. Client side: {@link io.meshlet.grpc.MeshGrpc#newChannelBuilder} gives a channel
 * whose every call is routed, balanced, secured and retried by the mesh. Server side: {@link
 * io.meshlet.grpc.MeshGrpc#serverInterceptor} and {@link io.meshlet.grpc.MeshGrpc#serverCredentials}.
 * Everything the mesh decides comes from mesh-core's pipeline; this package only adapts.
 */
@NullMarked
package io.meshlet.grpc;

import org.jspecify.annotations.NullMarked;
