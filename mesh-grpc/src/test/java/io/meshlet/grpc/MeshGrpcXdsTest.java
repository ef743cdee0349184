package io.meshlet.grpc;

import static io.meshlet.grpc.GrpcMeshes.who;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.meshlet.controlplane.MeshControlPlane;
import io.meshlet.core.Mesh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC calls routed by config from xDS: {@link MeshControlPlane} serves a directory of Istio YAML
 * shaped as istiod serves proxyless clients, the mesh takes it through gRPC's bootstrap as
 * istio-agent writes it, and a mesh channel routes real calls by it.
 */
class MeshGrpcXdsTest {
  @TempDir Path dir;
  GrpcMeshes meshes;
  MeshControlPlane cp;
  Path configDir;
  Mesh mesh;

  @BeforeEach
  void start() throws Exception {
    meshes = new GrpcMeshes(dir);
    meshes.backend("v1");
    meshes.backend("v2");
    configDir = Files.createDirectory(dir.resolve("config"));
    writeConfig("""
          - match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: reviews, subset: v2}}]
          - route:
            - {destination: {host: reviews, subset: v1}, weight: 70}
            - {destination: {host: reviews, subset: v2}, weight: 30}
            retries: {attempts: 2, retryOn: unavailable}
        """);
    cp = MeshControlPlane.builder().configDir(configDir).port(0).pollInterval(Duration.ofMillis(50)).build().start();
    Path bootstrap = Files.writeString(dir.resolve("grpc-bootstrap.json"), """
        {
          "xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
          "node": {"id": "sidecar~127.0.0.1~productpage-v1-abc.default~default.svc.cluster.local",
                   "metadata": {"NAMESPACE": "default", "LABELS": {"app": "productpage", "version": "v1"}}},
          "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%%s"
        }
        """.formatted(cp.port()));
    mesh = Mesh.builder().workload("productpage").xdsBootstrap(bootstrap).startupTimeout(Duration.ofSeconds(30))
        .random(new java.util.Random(11)).build();
  }

  @AfterEach
  void stop() throws Exception {
    meshes.close();
    if (mesh != null) {
      mesh.close();
    }
    if (cp != null) {
      cp.close();
    }
  }

  private void writeConfig(String http) throws Exception {
    String yaml = meshes.serviceEntry() + GrpcMeshes.subsets("") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
        %s""".formatted(http);
    Path tmp = dir.resolve("config.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, configDir.resolve("reviews.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void callsFollowTheSplitHeaderRouteAndRetriesServedOverXds() throws Exception {
    ManagedChannel channel = meshes.channel(mesh, "reviews.default.svc.cluster.local:9080");
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      seen.merge(who(channel), 1, Integer::sum);
    }
    // Seeded: the draw is the mesh's own; 70/30 within 4 points.
    assertThat(seen.get("v1-0")).isBetween(660, 740);
    for (int i = 0; i < 20; i++) {
      assertThat(who(channel, "end-user", "jason")).isEqualTo("v2-1");
    }
    meshes.backends.get(0).failingTimes(Status.Code.UNAVAILABLE, 1);
    assertThat(who(channel)).as("the served retry policy retries an UNAVAILABLE").isIn("v1-0", "v2-1");
  }

  @Test
  void theInboundListenerServedOverXdsGuardsAGrpcServer() throws Exception {
    // The server's mesh needs its port before it is built; the interceptor finds the mesh once it is.
    java.util.concurrent.atomic.AtomicReference<io.grpc.ServerInterceptor> guard = new java.util.concurrent.atomic.AtomicReference<>();
    GrpcBackend ratings = new GrpcBackend("ratings", io.grpc.InsecureServerCredentials.create(), new io.grpc.ServerInterceptor() {
      @Override
      public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, io.grpc.Metadata headers,
          io.grpc.ServerCallHandler<Q, R> next) {
        return guard.get().interceptCall(call, headers, next);
      }
    });
    meshes.closeLater(ratings);
    Files.writeString(configDir.resolve("ratings-security.yaml"), """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: no-admin, namespace: default}
        spec:
          selector: {matchLabels: {app: ratings}}
          action: DENY
          rules: [{to: [{operation: {paths: ["/test.Echo/Admin"]}}]}]
        """);
    Path bootstrap = Files.writeString(dir.resolve("ratings-bootstrap.json"), """
        {
          "xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
          "node": {"id": "sidecar~127.0.0.1~ratings-v1-abc.default~default.svc.cluster.local",
                   "metadata": {"NAMESPACE": "default", "LABELS": {"app": "ratings", "version": "v1"}}},
          "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%%s"
        }
        """.formatted(cp.port()));
    Mesh server = Mesh.builder().workload("ratings").xdsBootstrap(bootstrap).serverPort(ratings.port())
        .startupTimeout(Duration.ofSeconds(30)).build();
    meshes.closeLater(server);
    guard.set(MeshGrpc.serverInterceptor(server));
    await().atMost(Duration.ofSeconds(30)).until(() -> !server.inbound().enforcesNothing());

    ManagedChannel direct = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", ratings.port())
        .usePlaintext().build();
    meshes.closeLater(direct::shutdownNow);
    assertThat(who(direct)).isEqualTo("ratings");
    io.grpc.StatusRuntimeException denied = GrpcMeshes.failure(() -> GrpcMeshes.call(direct, Echo.ADMIN, io.grpc.CallOptions.DEFAULT));
    assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(denied.getStatus().getDescription()).isEqualTo("RBAC: access denied");
    assertThat(ratings.hits()).isEqualTo(1);

    Files.writeString(configDir.resolve("ratings-strict.yaml"), """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: ratings, namespace: default}
        spec:
          selector: {matchLabels: {app: ratings}}
          mtls: {mode: STRICT}
        """);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .until(() -> GrpcMeshes.failure(() -> who(direct)).getStatus().getCode() == Status.Code.PERMISSION_DENIED);
    assertThat(server.inbound().mtlsMode(ratings.port()).name()).isEqualTo("STRICT");
  }

  @Test
  void anEditServedByTheControlPlaneReroutesLiveCalls() throws Exception {
    ManagedChannel channel = meshes.channel(mesh);
    assertThat(who(channel, "end-user", "jason")).isEqualTo("v2-1");
    writeConfig("""
          - route: [{destination: {host: reviews, subset: v1}}]
        """);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> who(channel, "end-user", "jason").equals("v1-0"));
    for (int i = 0; i < 20; i++) {
      assertThat(who(channel)).isEqualTo("v1-0");
    }
    assertThat(channel.shutdown().awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }
}
