package io.meshlet.perf;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.internal.JsonParser;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.xds.XdsNameResolverProvider;
import io.meshlet.controlplane.MeshControlPlane;
import io.meshlet.core.Mesh;
import io.meshlet.grpc.MeshGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The clients of one gRPC server that the gRPC benchmarks compare, all in one JVM:
 *
 * <ul>
 *   <li>{@code plain}: {@code NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()};
 *   <li>{@code plainNoRetry}: the same with {@code disableRetry()}. grpc-java's retry support is on by
 *       default and wraps every call's stream (a {@code RetriableStream}) even without a retry policy;
 *       the mesh channel builds its inner channels with {@code disableRetry()} because the mesh
 *       retries, so this is the plain channel with the mesh's transport setting;
 *   <li>{@code mesh}: {@code MeshGrpc.newChannelBuilder(mesh, "reviews:9080")}, the mesh reading
 *       {@link MeshYaml#grpcLoopback} from a file;
 *   <li>{@code xds}: grpc-java's own proxyless xDS client ({@code grpc-xds}) on {@code
 *       xds:///reviews.default.svc.cluster.local:9080}, fed over ADS by a {@link MeshControlPlane}
 *       serving the same file, with the bootstrap istio-agent writes for the {@code grpc-agent}
 *       template. The bootstrap goes to this channel only ({@code XdsNameResolverProvider.createForTest}
 *       as its name resolver factory); nothing global is set.
 * </ul>
 *
 * Both the mesh and the control plane poll the file once an hour, so no config thread wakes during
 * a measurement. {@link #close()} shuts everything down and deletes the directory.
 */
final class GrpcChannels implements AutoCloseable {
  static final String MESH_TARGET = "reviews:" + MeshYaml.PORT;
  static final String XDS_TARGET = "xds:///reviews.default.svc.cluster.local:" + MeshYaml.PORT;
  private static final Duration NO_POLLING = Duration.ofHours(1);
  private static final Duration FIRST_CONFIG = Duration.ofSeconds(60);

  private final Path dir;
  private final List<AutoCloseable> closing = new ArrayList<>();
  final ManagedChannel plain;
  final ManagedChannel plainNoRetry;
  final ManagedChannel mesh;
  final ManagedChannel xds;

  @SuppressWarnings("deprecation") // nameResolverFactory: the way to give one channel its own resolver (grpc-java #7133)
  GrpcChannels(int serverPort) throws IOException, InterruptedException {
    dir = Files.createTempDirectory("meshlet-perf-grpc");
    Path config = Files.createDirectory(dir.resolve("config"));
    Path file = config.resolve("reviews.yaml");
    Files.writeString(file, MeshYaml.grpcLoopback(serverPort));
    try {
      plain = NettyChannelBuilder.forAddress("127.0.0.1", serverPort).usePlaintext().build();
      closing.add(() -> close(plain));
      plainNoRetry = NettyChannelBuilder.forAddress("127.0.0.1", serverPort).usePlaintext().disableRetry().build();
      closing.add(() -> close(plainNoRetry));

      Mesh m = Mesh.builder().workload("productpage").namespace("default")
          .labels(Map.of("app", "productpage", "version", "v1"))
          .configFile(file).pollInterval(NO_POLLING).build();
      closing.add(m);
      mesh = MeshGrpc.newChannelBuilder(m, MESH_TARGET).build();
      closing.add(() -> close(mesh));

      MeshControlPlane cp = MeshControlPlane.builder().configDir(config).port(0).pollInterval(NO_POLLING).build().start();
      closing.add(cp);
      // NettyChannelBuilder, not Grpc.newChannelBuilder: the latter would take the default registry's "xds" provider.
      xds = NettyChannelBuilder.forTarget(XDS_TARGET, InsecureChannelCredentials.create())
          .nameResolverFactory(XdsNameResolverProvider.createForTest("xds", bootstrap(cp.port())))
          .build();
      closing.add(() -> close(xds));

      check("plain", plain);
      check("plainNoRetry", plainNoRetry);
      check("mesh", mesh);
      check("xds", xds); // waits for LDS, RDS, CDS and EDS
    } catch (Exception | Error e) {
      try {
        close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  ManagedChannel channel(String name) {
    switch (name) {
      case "plain":
        return plain;
      case "plainNoRetry":
        return plainNoRetry;
      case "mesh":
        return mesh;
      case "xds":
        return xds;
      default:
        throw new IllegalArgumentException("channel: " + name + " (expected: plain, plainNoRetry, mesh or xds)");
    }
  }

  /** One blocking unary call, as the benchmarks make it. */
  static String call(Channel channel) {
    return ClientCalls.blockingUnaryCall(channel, GrpcEcho.GET, CallOptions.DEFAULT, GrpcEcho.REQUEST);
  }

  /** Fails now, with the reason, rather than with a confusing score, if {@code channel} does not reach the server. */
  private static void check(String name, Channel channel) throws InterruptedException {
    long until = System.nanoTime() + FIRST_CONFIG.toNanos();
    StatusRuntimeException last = null;
    do {
      try {
        String answer = ClientCalls.blockingUnaryCall(channel, GrpcEcho.GET,
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), GrpcEcho.REQUEST);
        if (!GrpcEcho.RESPONSE.equals(answer)) {
          throw new IllegalStateException(name + ": answered '" + answer + "'");
        }
        return;
      } catch (StatusRuntimeException e) {
        last = e; // the xDS channel fails its first calls until its config arrived
        Thread.sleep(100);
      }
    } while (System.nanoTime() < until);
    throw new IllegalStateException(name + ": no answer within " + FIRST_CONFIG + ": " + last.getStatus(), last);
  }

  /**
   * gRPC's bootstrap as istio-agent writes it for the {@code grpc-agent} template (as in
   * mesh-control-plane's {@code GrpcXdsClientTest}), with the control plane as {@code server_uri}.
   */
  @SuppressWarnings("unchecked")
  private Map<String, ?> bootstrap(int cpPort) throws IOException {
    Path certs = dir.resolve("certs"); // never read: nothing served here asks for TLS
    String json = """
        {
          "xds_servers": [{"server_uri": "127.0.0.1:%1$d", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
          "node": {
            "id": "sidecar~127.0.0.1~productpage-v1-abc.default~default.svc.cluster.local",
            "metadata": {
              "ANNOTATIONS": {"inject.istio.io/templates": "grpc-agent"},
              "CLUSTER_ID": "Kubernetes",
              "GENERATOR": "grpc",
              "INSTANCE_IPS": "127.0.0.1",
              "ISTIO_VERSION": "1.24.2",
              "LABELS": {"app": "productpage", "version": "v1", "service.istio.io/canonical-name": "productpage"},
              "MESH_ID": "cluster.local",
              "NAME": "productpage-v1-abc",
              "NAMESPACE": "default",
              "OWNER": "kubernetes://apis/apps/v1/namespaces/default/deployments/productpage-v1",
              "SERVICE_ACCOUNT": "bookinfo-productpage",
              "WORKLOAD_NAME": "productpage-v1"
            },
            "locality": {"region": "us-central1", "zone": "us-central1-a"}
          },
          "certificate_providers": {"default": {"plugin_name": "file_watcher", "config": {
            "certificate_file": "%2$s/cert-chain.pem", "private_key_file": "%2$s/key.pem",
            "ca_certificate_file": "%2$s/root-cert.pem", "refresh_interval": "900s"}}},
          "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%%s"
        }
        """.formatted(cpPort, certs);
    return (Map<String, ?>) JsonParser.parse(json);
  }

  private static void close(ManagedChannel c) throws InterruptedException {
    c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
