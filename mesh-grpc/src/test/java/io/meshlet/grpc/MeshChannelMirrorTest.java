package io.meshlet.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.meshlet.core.Mesh;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mirroring of unary gRPC calls against real grpc-java servers; streaming calls are not mirrored. */
class MeshChannelMirrorTest {
  @TempDir Path dir;
  GrpcMeshes meshes;
  GrpcBackend primary;
  GrpcBackend shadow;

  @BeforeEach
  void start() {
    meshes = new GrpcMeshes(dir);
    primary = meshes.backend("v1");
    shadow = meshes.backend("v2");
  }

  @AfterEach
  void stop() throws Exception {
    meshes.close();
  }

  private static final String MIRRORED = GrpcMeshes.subsets("") + """
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews, subset: v1}}]
          mirror: {host: reviews, subset: v2}
      """;

  @Test
  void aUnaryCallIsCopiedToTheMirrorWithTheShadowAuthority() throws Exception {
    Mesh mesh = meshes.mesh(MIRRORED);
    ManagedChannel channel = meshes.channel(mesh);
    assertThat(GrpcMeshes.who(channel)).isEqualTo(primary.name);
    await().atMost(Duration.ofSeconds(10)).until(() -> shadow.hits() == 1);
    assertThat(shadow.lastAuthority()).isEqualTo("reviews-shadow:9080");
    assertThat(shadow.lastMethod()).isEqualTo(Echo.WHO.getFullMethodName());
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.pipeline().mirrors().inFlight() == 0);
  }

  @Test
  void aSlowMirrorNeverHoldsUpTheOriginalAndStreamsAreNotMirrored() throws Exception {
    shadow.delay(30_000);
    Mesh mesh = meshes.mesh(MIRRORED);
    ManagedChannel channel = meshes.channel(mesh);
    for (int i = 0; i < 3; i++) {
      assertThat(GrpcMeshes.who(channel)).isEqualTo(primary.name);
    }
    assertThat(mesh.pipeline().mirrors().inFlight()).isEqualTo(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> shadow.hits() == 3);

    ClientCalls.blockingServerStreamingCall(channel, Echo.COUNT, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "2")
        .forEachRemaining(m -> { });
    assertThat(mesh.pipeline().mirrors().sent()).isEqualTo(3);
  }
}
