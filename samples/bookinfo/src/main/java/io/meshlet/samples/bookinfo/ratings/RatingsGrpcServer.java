package io.meshlet.samples.bookinfo.ratings;

import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.meshlet.core.Mesh;
import io.meshlet.grpc.MeshGrpc;
import io.meshlet.samples.bookinfo.common.RatingsGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * A plain grpc-java server for {@link RatingsGrpc#GET}: TLS with the mesh's certificate
 * ({@link MeshGrpc#serverCredentials}), the mesh's inbound checks ({@link MeshGrpc#serverInterceptor}) and its
 * stream tracer for the served calls' body bytes ({@link MeshGrpc#serverStreamTracer}).
 * A gRPC port takes TLS only, so its callers need DestinationRule {@code tls: ISTIO_MUTUAL}.
 */
final class RatingsGrpcServer implements SmartLifecycle {
  private final Mesh mesh;
  private final int port;
  private volatile @Nullable Server server;

  RatingsGrpcServer(Mesh mesh, int port) {
    this.mesh = mesh;
    this.port = port;
  }

  @Override
  public void start() {
    ServerServiceDefinition service = ServerServiceDefinition.builder(RatingsGrpc.SERVICE)
        .addMethod(RatingsGrpc.GET, ServerCalls.asyncUnaryCall((String productId, io.grpc.stub.StreamObserver<String> response) -> {
          response.onNext(RatingsApp.grpcAnswer());
          response.onCompleted();
        }))
        .build();
    try {
      server = Grpc.newServerBuilderForPort(port, MeshGrpc.serverCredentials(mesh))
          .addStreamTracerFactory(MeshGrpc.serverStreamTracer(mesh))
          .addService(ServerInterceptors.intercept(service, MeshGrpc.serverInterceptor(mesh)))
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("ratings: cannot serve gRPC on port " + port, e);
    }
  }

  @Override
  public void stop() {
    Server s = server;
    if (s != null) {
      s.shutdown();
      try {
        if (!s.awaitTermination(2, TimeUnit.SECONDS)) {
          s.shutdownNow();
        }
      } catch (InterruptedException e) {
        s.shutdownNow();
        Thread.currentThread().interrupt();
      }
      server = null;
    }
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }
}
