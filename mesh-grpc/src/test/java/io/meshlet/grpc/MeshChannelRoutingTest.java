package io.meshlet.grpc;

import static io.meshlet.grpc.GrpcMeshes.failure;
import static io.meshlet.grpc.GrpcMeshes.who;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.meshlet.core.Mesh;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.pipeline.ResponseFlag;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing of gRPC calls by the mesh: real grpc-java servers on loopback, config from Istio YAML. */
class MeshChannelRoutingTest {
  @TempDir Path dir;
  GrpcMeshes meshes;

  @AfterEach
  void stop() throws Exception {
    meshes.close();
  }

  private void backends(String... versions) {
    meshes = new GrpcMeshes(dir);
    for (String v : versions) {
      meshes.backend(v);
    }
  }

  private static String virtualService(String http) {
    return """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
        %s""".formatted(http);
  }

  @Test
  void aWeightedSplitHoldsOverThousandsOfCalls() throws Exception {
    backends("v1", "v2");
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("") + virtualService("""
          - route:
            - {destination: {host: reviews, subset: v1}, weight: 80}
            - {destination: {host: reviews, subset: v2}, weight: 20}
        """));
    ManagedChannel channel = meshes.channel(mesh);
    Map<String, Integer> seen = new HashMap<>();
    int calls = 1000;
    for (int i = 0; i < calls; i++) {
      seen.merge(who(channel), 1, Integer::sum);
    }
    // Seeded random: the draw is the mesh's own; 80/20 within 3 points either way.
    assertThat(seen.get("v1-0")).isBetween(calls * 77 / 100, calls * 83 / 100);
    assertThat(seen.get("v1-0") + seen.get("v2-1")).isEqualTo(calls);
  }

  @Test
  void metadataAndMethodsRouteCallsAndTheAuthorityIsTheTargets() throws Exception {
    backends("v1", "v2", "v3");
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("") + virtualService("""
          - match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: reviews, subset: v2}}]
          - match: [{uri: {exact: /test.Echo/Admin}}]
            route: [{destination: {host: reviews, subset: v3}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """));
    ManagedChannel channel = meshes.channel(mesh);
    assertThat(who(channel)).isEqualTo("v1-0");
    assertThat(who(channel, "end-user", "jason")).isEqualTo("v2-1");
    assertThat(who(channel, "end-user", "someone")).isEqualTo("v1-0");
    assertThat(GrpcMeshes.call(channel, Echo.ADMIN, CallOptions.DEFAULT)).isEqualTo("v3-2");
    assertThat(meshes.backends.get(2).lastMethod()).isEqualTo("test.Echo/Admin");
    assertThat(meshes.backends.get(0).lastAuthority()).isEqualTo(GrpcMeshes.TARGET);
  }

  @Test
  void theFullyQualifiedNameRoutesTheSameAsTheShortOne() throws Exception {
    backends("v1", "v2");
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("") + virtualService("""
          - route: [{destination: {host: reviews, subset: v2}}]
        """));
    assertThat(who(meshes.channel(mesh, "reviews.default.svc.cluster.local:9080"))).isEqualTo("v2-1");
    assertThat(who(meshes.channel(mesh, "reviews.default:9080"))).isEqualTo("v2-1");
  }

  @Test
  void roundRobinSpreadsCallsEvenlyAndRingHashKeepsAKeyOnOneEndpoint() throws Exception {
    backends("v1", "v1", "v1");
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("loadBalancer: {simple: ROUND_ROBIN}"));
    ManagedChannel channel = meshes.channel(mesh);
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      seen.merge(who(channel), 1, Integer::sum);
    }
    assertThat(seen).containsOnlyKeys("v1-0", "v1-1", "v1-2");
    assertThat(seen.values()).allSatisfy(n -> assertThat(n).isEqualTo(100));

    meshes.write(GrpcMeshes.subsets("loadBalancer: {consistentHash: {httpHeaderName: x-user}}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.routeTable().clusters().stream()
        .anyMatch(c -> c.policy().equals("RING_HASH")));
    Map<String, String> byUser = new HashMap<>();
    for (int round = 0; round < 5; round++) {
      for (int u = 0; u < 20; u++) {
        String answered = who(channel, "x-user", "user-" + u);
        String before = byUser.putIfAbsent("user-" + u, answered);
        assertThat(before == null || before.equals(answered)).as("user-%d stays on %s", u, before).isTrue();
      }
    }
    assertThat(new java.util.HashSet<>(byUser.values())).as("20 keys over 3 endpoints").hasSizeGreaterThan(1);
  }

  @Test
  void rewritesAndHeaderOperationsApplyToTheMethodAndMetadata() throws Exception {
    backends("v1");
    Mesh mesh = meshes.mesh(virtualService("""
          - match: [{uri: {exact: /test.Echo/Old}}]
            rewrite: {uri: /test.Echo/Who, authority: reviews-v1.internal}
            headers:
              request:
                set: {x-set: one}
                add: {x-added: two}
                remove: [x-secret]
              response:
                set: {x-from-mesh: yes}
            route: [{destination: {host: reviews}}]
        """));
    ManagedChannel channel = meshes.channel(mesh);
    Metadata sent = new Metadata();
    sent.put(Metadata.Key.of("x-secret", Metadata.ASCII_STRING_MARSHALLER), "s3cret");
    sent.put(Metadata.Key.of("x-set", Metadata.ASCII_STRING_MARSHALLER), "zero");
    Metadata[] received = new Metadata[1];
    io.grpc.Channel intercepted = io.grpc.ClientInterceptors.intercept(channel,
        io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(sent),
        io.grpc.stub.MetadataUtils.newCaptureMetadataInterceptor(new java.util.concurrent.atomic.AtomicReference<>(),
            new java.util.concurrent.atomic.AtomicReference<>()));
    String answer = ClientCalls.blockingUnaryCall(intercepted.newCall(Echo.method("Old", io.grpc.MethodDescriptor.MethodType.UNARY),
        CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS)), "hi");
    assertThat(answer).isEqualTo("v1-0");
    GrpcBackend b = meshes.backends.get(0);
    assertThat(b.lastMethod()).isEqualTo("test.Echo/Who");
    assertThat(b.lastAuthority()).isEqualTo("reviews-v1.internal");
    assertThat(b.lastHeaders().getAll(key("x-set"))).containsExactly("one");
    assertThat(b.lastHeaders().get(key("x-added"))).isEqualTo("two");
    assertThat(b.lastHeaders().get(key("x-secret"))).isNull();
  }

  @Test
  void responseHeaderOperationsReachTheCaller() throws Exception {
    backends("v1");
    Mesh mesh = meshes.mesh(virtualService("""
          - headers: {response: {set: {x-from-mesh: "yes"}}}
            route: [{destination: {host: reviews}}]
        """));
    java.util.concurrent.atomic.AtomicReference<Metadata> headers = new java.util.concurrent.atomic.AtomicReference<>();
    io.grpc.Channel capturing = io.grpc.ClientInterceptors.intercept(meshes.channel(mesh),
        io.grpc.stub.MetadataUtils.newCaptureMetadataInterceptor(headers, new java.util.concurrent.atomic.AtomicReference<>()));
    assertThat(who(capturing)).isEqualTo("v1-0");
    assertThat(headers.get().get(key("x-from-mesh"))).isEqualTo("yes");
  }

  @Test
  void aCallTheMeshCannotRouteClosesWithAStatusThatSaysWhy() throws Exception {
    backends("v1");
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("") + virtualService("""
          - match: [{uri: {prefix: /test.Echo/Who}}]
            route: [{destination: {host: reviews, subset: v2}}]
        """));
    ManagedChannel channel = meshes.channel(mesh);
    StatusRuntimeException noEndpoint = failure(() -> who(channel));
    assertThat(noEndpoint.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(noEndpoint.getStatus().getDescription())
        .isEqualTo("no endpoint for reviews.default.svc.cluster.local subset v2 port 9080 (UH)");
    assertThat(noEndpoint.getTrailers().get(MeshGrpc.RESPONSE_FLAGS)).isEqualTo("UH");

    StatusRuntimeException noRoute = failure(() -> GrpcMeshes.call(channel, Echo.ADMIN, CallOptions.DEFAULT));
    assertThat(noRoute.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(noRoute.getStatus().getDescription()).startsWith("no route for POST reviews:9080/test.Echo/Admin").endsWith("(NR)");
  }

  @Test
  void registryOnlyBlocksAnUnknownHostAndAllowAnyPassesItThrough() throws Exception {
    backends("v1");
    GrpcBackend outside = new GrpcBackend("outside");
    meshes.closeLater(outside);
    meshes.write("");
    Mesh strict = Mesh.builder().workload("productpage").configFile(meshes.file)
        .outboundTrafficPolicy(io.meshlet.core.OutboundTrafficPolicy.REGISTRY_ONLY).build();
    meshes.closeLater(strict);
    StatusRuntimeException blocked = failure(() -> who(meshes.channel(strict, "127.0.0.1:" + outside.port())));
    assertThat(blocked.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(blocked.getStatus().getDescription()).endsWith("REGISTRY_ONLY (BLOCKED)");

    Mesh open = meshes.mesh("");
    assertThat(who(meshes.channel(open, "127.0.0.1:" + outside.port()))).isEqualTo("outside");
  }

  @Test
  void aPolicyEditAppliesLiveAndABadEditIsRejectedWithTheOldRoutingKept() throws Exception {
    backends("v1", "v2");
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("") + virtualService("""
          - route: [{destination: {host: reviews, subset: v1}}]
        """));
    ManagedChannel channel = meshes.channel(mesh);
    assertThat(who(channel)).isEqualTo("v1-0");

    meshes.write(GrpcMeshes.subsets("") + virtualService("""
          - route: [{destination: {host: reviews, subset: v2}}]
        """));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> who(channel).equals("v2-1"));

    meshes.write(GrpcMeshes.subsets("") + virtualService("""
          - route: [{destination: {host: reviews, subset: v1}, weight: -5}]
        """));
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.lastRejection().isPresent());
    assertThat(mesh.lastRejection().orElseThrow().toString()).contains("http[0].route[0].weight: -5");
    for (int i = 0; i < 20; i++) {
      assertThat(who(channel)).isEqualTo("v2-1");
    }
  }

  @Test
  void serverStreamingAndClientStreamingCallsAreRouted() throws Exception {
    backends("v1", "v2");
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("") + virtualService("""
          - route: [{destination: {host: reviews, subset: v2}}]
        """));
    ManagedChannel channel = meshes.channel(mesh);
    Iterator<String> stream = ClientCalls.blockingServerStreamingCall(channel, Echo.COUNT,
        CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "3");
    List<String> got = new ArrayList<>();
    stream.forEachRemaining(got::add);
    assertThat(got).containsExactly("v2-1-0", "v2-1-1", "v2-1-2");

    java.util.concurrent.CompletableFuture<String> joined = new java.util.concurrent.CompletableFuture<>();
    io.grpc.stub.StreamObserver<String> requests = io.grpc.stub.ClientCalls.asyncClientStreamingCall(
        channel.newCall(Echo.JOIN, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS)), observer(joined));
    requests.onNext("a");
    requests.onNext("b");
    requests.onCompleted();
    assertThat(joined.get(20, TimeUnit.SECONDS)).isEqualTo("v2-1:a,b");
  }

  @Test
  void explainTellsWhichRuleSubsetAndEndpointACallTakes() throws Exception {
    backends("v1", "v2");
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("") + virtualService("""
          - name: jason
            match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: reviews, subset: v2}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """));
    Metadata jason = new Metadata();
    jason.put(key("end-user"), "jason");
    Explanation e = MeshGrpc.explain(mesh, GrpcMeshes.TARGET, "test.Echo/Who", jason);
    assertThat(e.toString()).contains("\"jason\"").contains("subset v2").contains("127.0.0.1:" + meshes.backends.get(1).port());
    Explanation other = MeshGrpc.explain(mesh, GrpcMeshes.TARGET, "test.Echo/Who", new Metadata());
    assertThat(other.toString()).contains("subset v1");
  }

  static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  /** Completes {@code result} with the (last) message once the call has closed OK. */
  static io.grpc.stub.StreamObserver<String> observer(java.util.concurrent.CompletableFuture<String> result) {
    return new io.grpc.stub.StreamObserver<>() {
      private volatile String last;

      @Override
      public void onNext(String value) {
        last = value;
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.complete(last);
      }
    };
  }
}
