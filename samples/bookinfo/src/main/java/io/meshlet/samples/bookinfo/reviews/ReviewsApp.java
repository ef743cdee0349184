package io.meshlet.samples.bookinfo.reviews;

import io.grpc.ManagedChannel;
import io.meshlet.core.Mesh;
import io.meshlet.grpc.MeshGrpc;
import io.meshlet.samples.bookinfo.common.MeshJetty;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Bookinfo's reviews, one application for the three versions ({@code bookinfo.version}): v1 shows
 * no stars, v2 black stars and v3 red ones, both asking ratings over gRPC through a mesh channel.
 */
@SpringBootApplication
@Import(MeshJetty.class)
public class ReviewsApp {
  /** The mesh channel to ratings' gRPC port: routed, balanced and secured by the mesh. */
  @Bean(destroyMethod = "shutdownNow")
  ManagedChannel ratingsChannel(Mesh mesh, @Value("${bookinfo.ratings-target}") String target) {
    return MeshGrpc.newChannelBuilder(mesh, target).build();
  }
}
