package io.meshlet.grpc;

import static io.meshlet.grpc.GrpcMeshes.failure;
import static io.meshlet.grpc.GrpcMeshes.who;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.meshlet.core.Mesh;
import io.meshlet.core.resilience.ManualTime;
import io.meshlet.core.resilience.MeshTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries, deadlines, timeouts, faults, pools and outlier detection on gRPC calls, against real servers that fail on cue. */
class MeshChannelResilienceTest {
  @TempDir Path dir;
  GrpcMeshes meshes;

  @BeforeEach
  void start() {
    meshes = new GrpcMeshes(dir);
    for (int i = 0; i < 3; i++) {
      meshes.backend("v1");
    }
  }

  @AfterEach
  void stop() throws Exception {
    meshes.close();
  }

  private Mesh mesh(String routeFields, String trafficPolicy) throws Exception {
    return mesh(routeFields, trafficPolicy, MeshTime.system());
  }

  private Mesh mesh(String routeFields, String trafficPolicy, MeshTime time) throws Exception {
    return meshes.mesh(GrpcMeshes.subsets(trafficPolicy) + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews}}]
            %s
        """.formatted(routeFields), time, new Random(3));
  }

  private GrpcBackend backend(int i) {
    return meshes.backends.get(i);
  }

  private int hits() {
    return meshes.backends.stream().mapToInt(GrpcBackend::hits).sum();
  }

  // ---- locality ------------------------------------------------------------------------------

  /** The channel's tries go where the core's priority levels send them: the caller's zone, then the next one. */
  @Test
  void callsStayInTheCallersZoneAndFailOverWhenItsEndpointIsEjected() throws Exception {
    meshes.localities.put("v1-0", "us-east/a");
    meshes.localities.put("v1-1", "us-west/b");
    meshes.localities.put("v1-2", "us-west/b");
    meshes.locality = "us-east/a";
    Mesh mesh = mesh("retries: {attempts: 0}", "outlierDetection: {consecutive5xxErrors: 1, baseEjectionTime: 1h, maxEjectionPercent: 100}",
        new ManualTime());
    ManagedChannel channel = meshes.channel(mesh);
    for (int i = 0; i < 20; i++) {
      assertThat(who(channel)).isEqualTo("v1-0");
    }
    backend(0).failing(Status.Code.UNAVAILABLE);
    failure(() -> who(channel));
    for (int i = 0; i < 20; i++) {
      assertThat(who(channel)).as("priority 1 once the zone's endpoint is ejected").isIn("v1-1", "v1-2");
    }
    assertThat(mesh.explain("http://reviews:9080/", Map.of()).policies()).anySatisfy(p -> assertThat(p)
        .contains("priority 0 (us-east/a) 0/1 healthy, 0 % → 0 % of traffic; priority 1 (us-west/b) 2/2 healthy, 100 % → all traffic"));
  }

  // ---- retries --------------------------------------------------------------------------------

  @Test
  void istiosDefaultRetriesUnavailableOnAnotherEndpoint() throws Exception {
    backend(0).failing(Status.Code.UNAVAILABLE);
    ManagedChannel channel = meshes.channel(mesh("", "loadBalancer: {simple: ROUND_ROBIN}"));
    for (int i = 0; i < 30; i++) {
      assertThat(who(channel)).isIn("v1-1", "v1-2");
    }
    assertThat(backend(0).hits()).as("tried, then retried elsewhere").isPositive();
  }

  @Test
  void retriesRunOutWithTheServersStatusAndUrx() throws Exception {
    meshes.backends.forEach(b -> b.failing(Status.Code.UNAVAILABLE));
    ManagedChannel channel = meshes.channel(mesh("retries: {attempts: 2, retryOn: unavailable}", ""));
    StatusRuntimeException e = failure(() -> who(channel));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription()).endsWith("fails on cue");
    assertThat(e.getTrailers().get(MeshGrpc.RESPONSE_FLAGS)).isEqualTo("URX");
    assertThat(hits()).isEqualTo(3);
    assertThat(meshes.backends).allSatisfy(b -> assertThat(b.hits()).as("each try on another endpoint").isEqualTo(1));
  }

  @Test
  void onlyTheGrpcConditionsRetryAGrpcStatusNot5xx() throws Exception {
    meshes.backends.forEach(b -> b.failing(Status.Code.INTERNAL));
    ManagedChannel fiveXx = meshes.channel(mesh("retries: {attempts: 2, retryOn: 5xx}", ""));
    assertThat(failure(() -> who(fiveXx)).getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(hits()).as("a gRPC status travels in a 200: 5xx does not see it, as in Envoy").isEqualTo(1);

    ManagedChannel internal = meshes.channel(mesh("retries: {attempts: 2, retryOn: internal}", ""));
    assertThat(failure(() -> who(internal)).getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(hits()).isEqualTo(1 + 3);
  }

  @Test
  void aFailureThatClearsIsRetriedToSuccessAndNotPastTheCallersDeadline() throws Exception {
    backend(0).failingTimes(Status.Code.UNAVAILABLE, 1);
    backend(1).failingTimes(Status.Code.UNAVAILABLE, 1);
    backend(2).failingTimes(Status.Code.UNAVAILABLE, 1);
    ManagedChannel channel = meshes.channel(mesh("retries: {attempts: 3, retryOn: unavailable}", "loadBalancer: {simple: ROUND_ROBIN}"));
    assertThat(who(channel)).as("three failures, then the fourth try answers").startsWith("v1-");
    assertThat(hits()).isEqualTo(4);
  }

  @Test
  void theCallersDeadlineStopsRetries() throws Exception {
    meshes.backends.forEach(b -> b.failing(Status.Code.UNAVAILABLE));
    // The first backoff (10 s, jittered to 5..15 s) would pass the caller's 3 s deadline: one try only.
    ManagedChannel channel = meshes.channel(mesh("retries: {attempts: 3, retryOn: unavailable, backoff: 10s}", ""));
    StatusRuntimeException e = failure(() -> GrpcMeshes.call(channel, Echo.WHO, CallOptions.DEFAULT.withDeadlineAfter(3, TimeUnit.SECONDS)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getTrailers().get(MeshGrpc.RESPONSE_FLAGS)).isEqualTo("URX");
    assertThat(hits()).isEqualTo(1);
  }

  @Test
  void aDeadEndpointIsAConnectFailureThatIsRetriedAndThenEjected() throws Exception {
    Mesh mesh = mesh("",
        "loadBalancer: {simple: ROUND_ROBIN}\noutlierDetection: {consecutive5xxErrors: 1, interval: 1h, baseEjectionTime: 1h, maxEjectionPercent: 100}");
    ManagedChannel channel = meshes.channel(mesh);
    backend(1).close();
    for (int i = 0; i < 12; i++) {
      assertThat(who(channel)).as("connect-failure is in Istio's default retryOn").isIn("v1-0", "v1-2");
    }
    assertThat(cluster(mesh).ejected()).hasSize(1);
    assertThat(cluster(mesh).ejected().get(0).port()).isNotEqualTo(backend(0).port()).isNotEqualTo(backend(2).port());
  }

  private static io.meshlet.core.routing.Cluster cluster(Mesh mesh) {
    return mesh.routeTable().clusters().stream().filter(c -> c.name().equals("outbound|9080||reviews.default.svc.cluster.local"))
        .findFirst().orElseThrow();
  }

  @Test
  void outlierDetectionEjectsAnEndpointThatAnswersUnavailable() throws Exception {
    backend(0).failing(Status.Code.UNAVAILABLE);
    Mesh mesh = mesh("retries: {attempts: 0}",
        "loadBalancer: {simple: ROUND_ROBIN}\noutlierDetection: {consecutive5xxErrors: 2, interval: 1h, baseEjectionTime: 1h, maxEjectionPercent: 50}");
    ManagedChannel channel = meshes.channel(mesh);
    int failed = 0;
    for (int i = 0; i < 30; i++) {
      try {
        who(channel);
      } catch (StatusRuntimeException e) {
        failed++;
      }
    }
    assertThat(failed).as("UNAVAILABLE counts as a 503: two in a row eject v1-0").isEqualTo(2);
    assertThat(cluster(mesh).ejected()).hasSize(1);
  }

  // ---- timeouts and faults --------------------------------------------------------------------

  @Test
  void aCallersContextThatTimesOutEndsTheCallDeadlineExceededAndOneCancelledEndsItCancelled() throws Exception {
    meshes.backends.forEach(b -> b.delay(30_000));
    ManagedChannel channel = meshes.channel(mesh("retries: {attempts: 0}", ""));
    java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    meshes.closeLater(timer::shutdownNow);
    // As a server context is cancelled when its deadline passes (a TimeoutException cause), without a
    // deadline of its own that the mesh's timer would race: grpc-java's calls close DEADLINE_EXCEEDED.
    io.grpc.Context.CancellableContext timed = io.grpc.Context.current().withCancellation();
    timer.schedule(() -> timed.cancel(new java.util.concurrent.TimeoutException("context timed out")), 300, TimeUnit.MILLISECONDS);
    StatusRuntimeException late = failure(() -> timed.run(() -> who(channel)));
    assertThat(late.getStatus().getCode()).as(late.getStatus().toString()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);

    io.grpc.Context.CancellableContext cancelled = io.grpc.Context.current().withCancellation();
    timer.schedule(() -> cancelled.cancel(null), 300, TimeUnit.MILLISECONDS);
    StatusRuntimeException gone = failure(() -> cancelled.run(() -> who(channel)));
    assertThat(gone.getStatus().getCode()).as(gone.getStatus().toString()).isEqualTo(Status.Code.CANCELLED);
  }

  @Test
  void aRouteTimeoutBecomesTheCallsDeadline() throws Exception {
    meshes.backends.forEach(b -> b.delay(30_000));
    ManagedChannel channel = meshes.channel(mesh("timeout: 300ms\n    retries: {attempts: 0}", ""));
    StatusRuntimeException e = failure(() -> who(channel));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(e.getStatus().getDescription()).startsWith("try 1 to outbound|9080||reviews").endsWith("(UT)");
    assertThat(e.getTrailers().get(MeshGrpc.RESPONSE_FLAGS)).isEqualTo("UT");
  }

  @Test
  void anAbortAnswersWithItsGrpcStatusAndNeverReachesTheService() throws Exception {
    ManagedChannel channel = meshes.channel(mesh("fault: {abort: {grpcStatus: RESOURCE_EXHAUSTED, percentage: {value: 100}}}", ""));
    StatusRuntimeException e = failure(() -> who(channel));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).isEqualTo("fault filter abort (FI)");
    assertThat(e.getTrailers().get(MeshGrpc.RESPONSE_FLAGS)).isEqualTo("FI");
    assertThat(hits()).isZero();
  }

  @Test
  void anHttpStatusAbortReachesAGrpcCallerAsGrpcMapsIt() throws Exception {
    ManagedChannel channel = meshes.channel(mesh("fault: {abort: {httpStatus: 403, percentage: {value: 100}}}", ""));
    assertThat(failure(() -> who(channel)).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anAbortPercentageAbortsThatShareOfCalls() throws Exception {
    ManagedChannel channel = meshes.channel(mesh("fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 30}}}\n    retries: {attempts: 0}", ""));
    int aborted = 0;
    for (int i = 0; i < 400; i++) {
      try {
        who(channel);
      } catch (StatusRuntimeException e) {
        assertThat(e.getTrailers().get(MeshGrpc.RESPONSE_FLAGS)).isEqualTo("FI");
        aborted++;
      }
    }
    // Seeded: the draw is the mesh's own.
    assertThat(aborted).isBetween(400 * 25 / 100, 400 * 35 / 100);
    assertThat(hits()).isEqualTo(400 - aborted);
  }

  @Test
  void aDelayIsScheduledNotSleptAndFlaggedDi() throws Exception {
    ManualTime time = new ManualTime();
    ManagedChannel channel = meshes.channel(mesh("fault: {delay: {fixedDelay: 7s, percentage: {value: 100}}}", "", time));
    java.util.concurrent.atomic.AtomicReference<io.grpc.Metadata> trailers = new java.util.concurrent.atomic.AtomicReference<>();
    io.grpc.Channel capturing = io.grpc.ClientInterceptors.intercept(channel,
        io.grpc.stub.MetadataUtils.newCaptureMetadataInterceptor(new java.util.concurrent.atomic.AtomicReference<>(), trailers));
    assertThat(who(capturing)).startsWith("v1-");
    assertThat(time.slept()).isEqualTo(Duration.ofSeconds(7));
    assertThat(trailers.get().get(MeshGrpc.RESPONSE_FLAGS)).isEqualTo("DI");
  }

  // ---- connection pool ------------------------------------------------------------------------

  @Test
  void aFullPoolAnswersUnavailableWithUo() throws Exception {
    meshes.backends.forEach(b -> b.delay(1500));
    ManagedChannel channel = meshes.channel(mesh("retries: {attempts: 0}", "connectionPool: {http: {http2MaxRequests: 1}}"));
    CompletableFuture<String> first = new CompletableFuture<>();
    ClientCalls.asyncUnaryCall(channel.newCall(Echo.WHO, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS)), "hi",
        MeshChannelRoutingTest.observer(first));
    await().atMost(Duration.ofSeconds(10)).until(() -> meshes.backends.stream().anyMatch(b -> b.inFlight() == 1));
    StatusRuntimeException e = failure(() -> who(channel));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription()).contains("connectionPool limit").endsWith("(UO)");
    assertThat(first.get(20, TimeUnit.SECONDS)).startsWith("v1-");
    assertThat(who(channel)).as("the place is free again").startsWith("v1-");
  }

  @Test
  void aCircuitBreakerOpensOnGrpcErrorsAndAnswersUo() throws Exception {
    meshes.backends.forEach(b -> b.failing(Status.Code.INTERNAL));
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("") + """
        ---
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: CircuitBreaker
        metadata: {name: reviews}
        spec:
          host: reviews
          failureRateThreshold: 50
          minimumNumberOfCalls: 4
          slidingWindow: {type: COUNT_BASED, size: 4}
          waitDurationInOpenState: 1h
          permittedNumberOfCallsInHalfOpenState: 1
        """, new ManualTime(), new Random(3));
    ManagedChannel channel = meshes.channel(mesh);
    for (int i = 0; i < 4; i++) {
      assertThat(failure(() -> who(channel)).getStatus().getCode()).as("INTERNAL counts as a 500").isEqualTo(Status.Code.INTERNAL);
    }
    assertThat(mesh.circuitBreakers().get("outbound|9080||reviews.default.svc.cluster.local").state()).isEqualTo("OPEN");
    StatusRuntimeException open = failure(() -> who(channel));
    assertThat(open.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(open.getStatus().getDescription()).contains("circuit breaker").endsWith("(UO)");
    assertThat(hits()).isEqualTo(4);
  }

  // ---- streaming ------------------------------------------------------------------------------

  @Test
  void aStreamIsRetriedBeforeItsFirstResponseOnly() throws Exception {
    backend(0).failingTimes(Status.Code.UNAVAILABLE, 1);
    ManagedChannel channel = meshes.channel(mesh("", "loadBalancer: {simple: ROUND_ROBIN}"));
    List<String> got = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(channel, Echo.COUNT, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "2")
        .forEachRemaining(got::add);
    assertThat(got).hasSize(2).allSatisfy(s -> assertThat(s).doesNotStartWith("v1-0"));

    backend(1).failingTimes(Status.Code.UNAVAILABLE, 1);
    CompletableFuture<String> joined = new CompletableFuture<>();
    io.grpc.stub.StreamObserver<String> requests = ClientCalls.asyncClientStreamingCall(
        channel.newCall(Echo.JOIN, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS)), MeshChannelRoutingTest.observer(joined));
    requests.onNext("a");
    requests.onNext("b");
    requests.onCompleted();
    assertThat(joined.get(20, TimeUnit.SECONDS)).as("the messages sent are replayed to the retry").endsWith(":a,b");
  }

  // ---- deadlines across hops ------------------------------------------------------------------

  @Test
  void aCallMadeWhileServingAGrpcCallHasTheInboundDeadline() throws Exception {
    Mesh mesh = mesh("retries: {attempts: 0}", "");
    ManagedChannel outbound = meshes.channel(mesh);
    meshes.backends.forEach(b -> b.delay(30_000));
    // A front service that calls reviews through the mesh while serving; its caller gives it 2 s.
    CompletableFuture<Long> attached = new CompletableFuture<>();
    CompletableFuture<Status.Code> reviews = new CompletableFuture<>();
    io.grpc.ServerServiceDefinition front = io.grpc.ServerServiceDefinition.builder(Echo.SERVICE)
        .addMethod(Echo.WHO, io.grpc.stub.ServerCalls.asyncUnaryCall((String req, io.grpc.stub.StreamObserver<String> out) -> {
          io.meshlet.core.resilience.Deadline d = io.meshlet.core.resilience.Deadline.current();
          attached.complete(d == null ? -1 : d.remainingNanos(mesh.time()));
          try {
            // Detached from the server call's gRPC context, whose cancellation (the caller giving up a
            // moment before the server's own timer) would race the deadline: only the mesh's deadline,
            // attached to this thread by the server interceptor, can end the call to reviews.
            out.onNext(io.grpc.Context.ROOT.call(() -> who(outbound)));
            reviews.complete(Status.Code.OK);
          } catch (StatusRuntimeException e) {
            reviews.complete(e.getStatus().getCode());
            out.onError(e);
          } catch (Exception e) {
            reviews.completeExceptionally(e);
            out.onError(e);
          }
        })).build();
    io.grpc.Server server = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
        .forAddress(new java.net.InetSocketAddress("127.0.0.1", 0), io.grpc.InsecureServerCredentials.create())
        .addService(io.grpc.ServerInterceptors.intercept(front, MeshGrpc.serverInterceptor(mesh))).build().start();
    meshes.closeLater(server::shutdownNow);
    ManagedChannel toFront = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
        .usePlaintext().build();
    meshes.closeLater(toFront::shutdownNow);
    failure(() -> GrpcMeshes.call(toFront, Echo.WHO, CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.SECONDS)));
    assertThat(attached.get(20, TimeUnit.SECONDS)).as("the caller's deadline is on the serving thread")
        .isPositive().isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
    assertThat(reviews.get(20, TimeUnit.SECONDS)).as("the call to reviews (30 s slow) ends with the inbound deadline")
        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
  }
}
