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

/** Mirroring of unary and streaming gRPC calls against real grpc-java servers. */
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
  void aSlowMirrorNeverHoldsUpTheOriginal() throws Exception {
    shadow.delay(30_000);
    Mesh mesh = meshes.mesh(MIRRORED);
    ManagedChannel channel = meshes.channel(mesh);
    for (int i = 0; i < 3; i++) {
      assertThat(GrpcMeshes.who(channel)).isEqualTo(primary.name);
    }
    assertThat(mesh.pipeline().mirrors().inFlight()).isEqualTo(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> shadow.hits() == 3);
  }

  @Test
  void aClientStreamIsCopiedMessageByMessageToTheMirror() throws Exception {
    Mesh mesh = meshes.mesh(MIRRORED);
    ManagedChannel channel = meshes.channel(mesh);
    java.util.concurrent.CompletableFuture<String> answer = new java.util.concurrent.CompletableFuture<>();
    io.grpc.stub.StreamObserver<String> requests = io.grpc.stub.ClientCalls.asyncClientStreamingCall(
        channel.newCall(Echo.JOIN, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS)),
        new io.grpc.stub.StreamObserver<String>() {
          @Override
          public void onNext(String value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    for (String part : new String[] {"a", "b", "c"}) {
      requests.onNext(part);
    }
    requests.onCompleted();
    assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo(primary.name + ":a,b,c");
    await().atMost(Duration.ofSeconds(10)).until(() -> "a,b,c".equals(shadow.lastJoined()));
    assertThat(shadow.lastAuthority()).isEqualTo("reviews-shadow:9080");
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.pipeline().mirrors().inFlight() == 0);
    assertThat(mesh.pipeline().mirrors().sent()).isEqualTo(1);
  }

  @Test
  void aServerStreamIsMirroredAndTheMirrorsResponsesAreReadAndDiscarded() throws Exception {
    Mesh mesh = meshes.mesh(MIRRORED);
    ManagedChannel channel = meshes.channel(mesh);
    java.util.List<String> got = new java.util.ArrayList<>();
    ClientCalls.blockingServerStreamingCall(channel, Echo.COUNT, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "50")
        .forEachRemaining(got::add);
    assertThat(got).hasSize(50).allMatch(m -> m.startsWith(primary.name + "-"));
    await().atMost(Duration.ofSeconds(10)).until(() -> shadow.hits() == 1);
    // All 50 of the mirror's answers are read: it completes well before its 15 s mirror deadline.
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.pipeline().mirrors().inFlight() == 0);
    assertThat(shadow.lastMethod()).isEqualTo(Echo.COUNT.getFullMethodName());
  }

  @Test
  void aMirrorThatStopsReadingAStreamIsCancelledWhileTheOriginalGoesOn() throws Exception {
    shadow.holdingStreams();
    // The rule's timeout is the copy's deadline: 120 s, so only the backlog bound can end it in time.
    Mesh mesh = meshes.mesh(MIRRORED.replace("mirror: {host: reviews, subset: v2}", "mirror: {host: reviews, subset: v2}\n    timeout: 120s"));
    ManagedChannel channel = meshes.channel(mesh);
    java.util.concurrent.CompletableFuture<String> answer = new java.util.concurrent.CompletableFuture<>();
    io.grpc.stub.StreamObserver<String> requests = io.grpc.stub.ClientCalls.asyncClientStreamingCall(
        channel.newCall(Echo.JOIN, CallOptions.DEFAULT.withDeadlineAfter(120, TimeUnit.SECONDS)),
        new io.grpc.stub.StreamObserver<String>() {
          @Override
          public void onNext(String value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> shadow.hits() == 1);
    String chunk = "x".repeat(32 * 1024);
    // 100 x 32 KiB: past the mirror's flow-control window (1 MiB, ~33 messages) plus the backlog bound (32).
    for (int i = 0; i < 100; i++) {
      requests.onNext(chunk);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> mesh.pipeline().mirrors().inFlight() == 0);
    requests.onCompleted();
    assertThat(answer.get(30, TimeUnit.SECONDS)).startsWith(primary.name + ":x");
  }

  @Test
  void cancellingAStreamCancelsItsMirrorCopy() throws Exception {
    Mesh mesh = meshes.mesh(MIRRORED);
    ManagedChannel channel = meshes.channel(mesh);
    io.grpc.ClientCall<String, String> call = channel.newCall(Echo.JOIN, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
    call.start(new io.grpc.ClientCall.Listener<String>() {}, new io.grpc.Metadata());
    call.sendMessage("a");
    await().atMost(Duration.ofSeconds(10)).until(() -> shadow.hits() == 1);
    assertThat(mesh.pipeline().mirrors().inFlight()).isEqualTo(1);
    call.cancel("done", null);
    // Without the cancel the copy would wait for the mirror's 15 s deadline.
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.pipeline().mirrors().inFlight() == 0);
  }
}
