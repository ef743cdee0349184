package io.meshlet.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.meshlet.core.Mesh;
import io.meshlet.core.resilience.MeshTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Test fixtures: a {@code reviews} ServiceEntry over real {@link GrpcBackend}s (labelled with their
 * version), a mesh on a YAML file next to it, mesh channels; all closed by {@link #close()}.
 */
final class GrpcMeshes implements AutoCloseable {
  static final String TARGET = "reviews:9080";

  private final Path dir;
  final List<GrpcBackend> backends = new ArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();
  Path file;
  /** Each backend's locality by name (none if absent), and the mesh's own ("": unknown). */
  final Map<String, String> localities = new java.util.HashMap<>();
  String locality = "";

  GrpcMeshes(Path dir) {
    this.dir = dir;
  }

  /** Starts a backend for {@code version}, named {@code version-index}. */
  GrpcBackend backend(String version) {
    return backend(version, new io.grpc.ServerInterceptor[0]);
  }

  /** {@link #backend(String)} behind {@code interceptors} (a server-side mesh). */
  GrpcBackend backend(String version, io.grpc.ServerInterceptor... interceptors) {
    GrpcBackend b = new GrpcBackend(version + "-" + backends.size(), io.grpc.InsecureServerCredentials.create(), interceptors);
    backends.add(b);
    return b;
  }

  /** The ServiceEntry of {@code reviews} port 9080 (grpc) over the backends, a {@code version} label on each. */
  String serviceEntry() {
    StringBuilder eps = new StringBuilder();
    for (GrpcBackend b : backends) {
      eps.append("  - {address: 127.0.0.1, ports: {grpc: ").append(b.port()).append("}, labels: {version: ")
          .append(b.name, 0, b.name.indexOf('-')).append("}")
          .append(localities.containsKey(b.name) ? ", locality: " + localities.get(b.name) : "").append("}\n");
    }
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: grpc, protocol: GRPC}]
          endpoints:
        %s""".formatted(eps);
  }

  /** Subsets v1, v2, v3 by label, with {@code trafficPolicy} (YAML under {@code trafficPolicy:}, may be empty). */
  static String subsets(String trafficPolicy) {
    return """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
        %s  subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
          - {name: v3, labels: {version: v3}}
        """.formatted(trafficPolicy.isEmpty() ? "" : "  trafficPolicy:\n    " + trafficPolicy.replace("\n", "\n    ") + "\n");
  }

  /** Writes {@code serviceEntry() + more} (atomically, so a watching mesh never reads half a file). */
  void write(String more) throws IOException {
    if (file == null) {
      file = dir.resolve("mesh.yaml");
    }
    Path tmp = dir.resolve("mesh.yaml.tmp");
    Files.writeString(tmp, serviceEntry() + more);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  Mesh mesh(String more) throws IOException {
    return mesh(more, MeshTime.system(), new Random(7));
  }

  Mesh mesh(String more, MeshTime time, Random random) throws IOException {
    return mesh(more, time, random, b -> b);
  }

  /** {@link #mesh(String, MeshTime, Random)} with more builder settings (telemetry). */
  Mesh mesh(String more, MeshTime time, Random random, java.util.function.UnaryOperator<Mesh.Builder> configure)
      throws IOException {
    write(more);
    Mesh mesh = configure.apply(Mesh.builder().workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configFile(file).time(time).random(random).pollInterval(java.time.Duration.ofMillis(50)).locality(locality)).build();
    closing.add(mesh);
    return mesh;
  }

  ManagedChannel channel(Mesh mesh) {
    return channel(mesh, TARGET);
  }

  ManagedChannel channel(Mesh mesh, String target) {
    ManagedChannel channel = MeshGrpc.newChannelBuilder(mesh, target).build();
    closing.add(() -> {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    });
    return channel;
  }

  void closeLater(AutoCloseable c) {
    closing.add(c);
  }

  /** A unary {@link Echo#WHO} call: the name of the backend that answered. */
  static String who(Channel channel) {
    return ClientCalls.blockingUnaryCall(channel, Echo.WHO, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "hi");
  }

  /** {@link #who} with one metadata entry. */
  static String who(Channel channel, String header, String value) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER), value);
    return who(io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(m)));
  }

  static <T> String call(Channel channel, MethodDescriptor<String, T> method, CallOptions options) {
    return String.valueOf(ClientCalls.blockingUnaryCall(channel, method, options, "hi"));
  }

  /** The status a failing call closed with. */
  static StatusRuntimeException failure(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call did not fail");
  }

  @Override
  public void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    backends.forEach(GrpcBackend::close);
  }
}
