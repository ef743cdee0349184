package io.meshlet.controlplane;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.internal.JsonParser;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.xds.XdsNameResolverProvider;
import io.meshlet.core.Mesh;
import io.meshlet.core.explain.Explanation;
import io.meshlet.xds.XdsConfigSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grpc-java's own proxyless xDS client ({@code io.grpc:grpc-xds}) against a {@link MeshControlPlane}
 * serving a directory of Istio YAML, as a proxyless gRPC workload injected with Istio's {@code
 * grpc-agent} template would use istiod: a channel to {@code xds:///reviews.default.svc.cluster.local:9080}
 * with the bootstrap istio-agent writes, and two real gRPC servers (subsets v1 and v2) that answer
 * with their own name. grpc-xds does all the routing here; Meshlet's client is not involved.
 *
 * <p>The bootstrap is handed to this channel only ({@link XdsNameResolverProvider#createForTest}
 * through the channel's own name resolver factory): no environment variable, no system property, no
 * provider in the default registry, and the xDS client is this channel's (a fresh pool per
 * resolver), so nothing leaks into other tests in the JVM. The one global touched is the level of
 * grpc-xds's JUL logger, raised to collect its NACKs and restored afterwards.
 */
class GrpcXdsClientTest {
  static final String HOST = "reviews.default.svc.cluster.local";
  static final String TARGET = "xds:///" + HOST + ":9080";
  static final Duration CONFIG_WAIT = Duration.ofSeconds(60);
  static final MethodDescriptor<String, String> WHO = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("meshlet.test.Reviews/Who")
      .setRequestMarshaller(Utf8.INSTANCE)
      .setResponseMarshaller(Utf8.INSTANCE)
      .build();
  /** A method whose backend answers only after {@link #SLOW_ANSWER}; the VirtualService gives its route a 500 ms timeout. */
  static final MethodDescriptor<String, String> SLOW = WHO.toBuilder().setFullMethodName("meshlet.test.Reviews/Slow").build();
  static final Duration SLOW_ANSWER = Duration.ofSeconds(30);

  /** grpc-xds logs NACKs ("Failed processing ... Errors") and other xDS errors at FINE on this logger. */
  static final Logger XDS_LOG = Logger.getLogger("io.grpc.xds.XdsLogger");

  @TempDir Path dir;
  Path configDir;
  final List<Server> backends = new ArrayList<>();
  final Map<String, Integer> ports = new HashMap<>();
  final List<String> xdsErrors = new CopyOnWriteArrayList<>();
  final Handler xdsLogHandler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.FINE.intValue()) { // XdsLogLevel WARNING and ERROR
        xdsErrors.add(r.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  Level xdsLogLevel;
  final ScheduledExecutorService slowAnswers = Executors.newSingleThreadScheduledExecutor();
  MeshControlPlane cp;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    xdsLogLevel = XDS_LOG.getLevel();
    XDS_LOG.setLevel(Level.FINE);
    XDS_LOG.addHandler(xdsLogHandler);
    for (String version : List.of("v1", "v2")) {
      Server s = backend(version);
      backends.add(s);
      ports.put(version, s.getPort());
    }
    configDir = Files.createDirectory(dir.resolve("config"));
    writeConfig("v2", 80, 20);
    cp = MeshControlPlane.builder().configDir(configDir).port(0).pollInterval(Duration.ofMillis(50)).build().start();
    channel = xdsChannel(TARGET);
    // The first config: LDS, RDS, CDS and EDS have all arrived once a call is answered.
    await().atMost(CONFIG_WAIT).pollInterval(Duration.ofMillis(100)).until(() -> who(channel), startsWith("v"));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
      if (cp != null) {
        cp.close();
      }
      for (Server s : backends) {
        s.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
      slowAnswers.shutdownNow();
    } finally {
      XDS_LOG.removeHandler(xdsLogHandler);
      XDS_LOG.setLevel(xdsLogLevel);
    }
  }

  @Test
  void aWeightedSplitIsFollowed() {
    Map<String, Integer> hits = count(channel, 1_000);
    // grpc-xds picks a weighted cluster with its own unseeded randomness, so the counts are binomial
    // (n = 1000, p = 0.8): standard deviation 12.6 calls (1.3 points). ±10 points is ±100 calls,
    // about 8 standard deviations; by the Chernoff bound P(v1 >= 900) <= e^(-n KL(0.9||0.8)) = e^-36.7
    // and P(v1 <= 700) <= e^(-n KL(0.7||0.8)) = e^-28.2, so this fails by chance less than once in 10^12 runs.
    assertThat(hits.getOrDefault("v1", 0)).as("v1 of %s", hits).isBetween(700, 900);
    assertThat(hits.getOrDefault("v2", 0)).as("v2 of %s", hits).isBetween(100, 300);
    assertThat(hits.keySet()).containsOnly("v1", "v2");
    assertThat(xdsErrors).as("grpc-xds errors and NACKs").isEmpty();
  }

  @Test
  void aHeaderMatchRoutesByMetadata() {
    Channel jason = withEndUser("jason");
    // Deterministic: every call with the header goes to v2. Without it, calls follow the split.
    assertThat(count(jason, 200)).isEqualTo(Map.of("v2", 200));
    assertThat(count(withEndUser("mary"), 200).keySet()).containsOnly("v1", "v2");
    assertThat(xdsErrors).as("grpc-xds errors and NACKs").isEmpty();
  }

  @Test
  void anEditOfTheYamlIsFollowedLive() throws IOException {
    Channel jason = withEndUser("jason");
    assertThat(count(jason, 20)).isEqualTo(Map.of("v2", 20));

    writeConfig("v1", 0, 100);
    // One RouteConfiguration carries both rules, and grpc-xds applies it whole: once jason reaches
    // v1, every other call goes to v2 (under the old config, 200 calls all to v2 has chance 0.2^200).
    await().atMost(CONFIG_WAIT).pollInterval(Duration.ofMillis(100)).until(() -> who(jason), equalTo("v1"));
    assertThat(count(channel, 200)).isEqualTo(Map.of("v2", 200));
    assertThat(count(jason, 20)).isEqualTo(Map.of("v1", 20));
    assertThat(xdsErrors).as("grpc-xds errors and NACKs").isEmpty();
  }

  /**
   * Delegation reaches grpc-java merged, as istiod serves it: the jason rule hands its calls to a delegate in
   * another namespace and file, whose one rule narrows the root's header match to the Who method; an edit of the
   * delegate file alone is followed.
   */
  @Test
  void aDelegatedRuleIsServedMergedAndADelegateEditIsFollowed() throws IOException {
    Channel jason = withEndUser("jason");
    assertThat(count(jason, 20)).isEqualTo(Map.of("v2", 20));
    writeDelegate("v1");
    Path root = configDir.resolve("reviews.yaml");
    String yaml = Files.readString(root);
    String delegating = yaml.replaceAll("(?s)(end-user: \\{exact: jason}\n).*?(\n *- name: split)",
        "$1    delegate: {name: reviews-jason, namespace: team-a}$2");
    assertThat(delegating).isNotEqualTo(yaml).contains("delegate: {name: reviews-jason");
    Path tmp = dir.resolve("reviews.tmp");
    Files.writeString(tmp, delegating);
    Files.move(tmp, root, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    await().atMost(CONFIG_WAIT).pollInterval(Duration.ofMillis(100)).until(() -> who(jason), equalTo("v1"));
    assertThat(count(jason, 20)).isEqualTo(Map.of("v1", 20));

    writeDelegate("v2");
    await().atMost(CONFIG_WAIT).pollInterval(Duration.ofMillis(100)).until(() -> who(jason), equalTo("v2"));
    assertThat(count(jason, 20)).isEqualTo(Map.of("v2", 20));
    assertThat(xdsErrors).as("grpc-xds errors and NACKs").isEmpty();
  }

  private void writeDelegate(String subset) throws IOException {
    Path tmp = dir.resolve("delegate.tmp");
    Files.writeString(tmp, """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews-jason, namespace: team-a}
        spec:
          exportTo: [default]
          http:
          - name: who
            match: [{uri: {prefix: /meshlet.test.Reviews/Who}}]
            route: [{destination: {host: %s, subset: %s}}]
        """.formatted(HOST, subset));
    Files.move(tmp, configDir.resolve("delegate.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * VirtualService {@code timeout} reaches grpc-java: istiod writes it for proxyless clients into
   * {@code max_stream_duration.max_stream_duration} (grpc-java reads no other field), which grpc-xds
   * turns into the method config's timeout, a CallOptions deadline. The call sets no deadline of its
   * own (and the test thread's Context has none), so a DEADLINE_EXCEEDED naming the CallOptions
   * deadline can only come from the route; without it the backend would answer after 30 s.
   */
  @Test
  void aRouteTimeoutEndsTheCall() {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel, SLOW, CallOptions.DEFAULT, "slow"));
    assertThat(e).as("a call answered only after %s", SLOW_ANSWER).isNotNull();
    assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    // "CallOptions deadline exceeded after 0.5...s" (the timer) or "ClientCall started after CallOptions
    // deadline was exceeded" (a late start): either way the deadline grpc-xds put on the call options.
    assertThat(e.getStatus().getDescription()).contains("CallOptions deadline");
    // The other routes carry no timeout: a call there is answered as before.
    assertThat(who(channel)).startsWith("v");
    assertThat(xdsErrors).as("grpc-xds errors and NACKs").isEmpty();
  }

  /**
   * A DNS ServiceEntry is served to grpc-xds as istiod serves it to proxyless clients: EDS clusters
   * whose assignment has no endpoints (not STRICT_DNS, which grpc-java NACKs). grpc-xds ACKs it and
   * fails the call UNAVAILABLE, as it would with istiod. Meshlet's client, beside it on the same
   * control plane, still gets the name and routes to it.
   */
  @Test
  void aDnsServiceEntryIsAcceptedAndHasNoEndpointForGrpc() throws Exception {
    long before = cp.version();
    Files.writeString(configDir.resolve("ext.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ext, namespace: default}
        spec:
          hosts: [ext.example.com]
          location: MESH_EXTERNAL
          resolution: DNS
          ports: [{number: 9090, name: grpc, protocol: GRPC}]
          endpoints: [{address: localhost, ports: {grpc: %d}}]
        """.formatted(ports.get("v1")));
    await().atMost(CONFIG_WAIT).until(() -> cp.version() > before);
    ManagedChannel ext = xdsChannel("xds:///ext.example.com:9090");
    try {
      // Before: "unsupported built-in discovery type: STRICT_DNS" in grpc-xds's log, the CDS response NACKed.
      assertThat(who(ext)).isEqualTo("Status{code=UNAVAILABLE, description=No usable endpoint from cluster: "
          + "outbound|9090||ext.example.com, cause=null}");
    } finally {
      ext.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    assertThat(xdsErrors).as("grpc-xds errors and NACKs").isEmpty();

    XdsConfigSource source = XdsConfigSource.builder().target("127.0.0.1:" + cp.port())
        .nodeId("sidecar~127.0.0.1~productpage-v1-def.default~default.svc.cluster.local")
        .namespace("default").labels(Map.of("app", "productpage")).build();
    try (Mesh mesh = Mesh.builder().workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configSource(source).startupTimeout(CONFIG_WAIT).build()) {
      Explanation e = mesh.explain("http://ext.example.com:9090/meshlet.test.Reviews/Who", Map.of());
      assertThat(e.cluster()).isEqualTo("outbound|9090||ext.example.com");
      assertThat(e.endpoint()).isEqualTo("localhost:" + ports.get("v1"));
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Reviews with subsets v1 and v2 (one backend each), end-user jason routed to {@code jasonSubset},
   * everything else split between v1 and v2 by weight.
   */
  /**
   * grpc-java's priority policy follows the priorities served for its node's locality (the bootstrap
   * says us-central1/us-central1-a): all calls to the endpoint in its zone, and to the other region
   * only once that endpoint is gone.
   */
  @Test
  void grpcFollowsTheLocalityPrioritiesServedForItsNode() throws Exception {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [%1$s]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: grpc, protocol: GRPC}]
          endpoints:
          - {address: 127.0.0.1, ports: {grpc: %2$d}, locality: us-east1/us-east1-b}
          - {address: 127.0.0.1, ports: {grpc: %3$d}, locality: us-central1/us-central1-a}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: %1$s
          trafficPolicy:
            outlierDetection: {consecutive5xxErrors: 1}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [%1$s]
          http:
          - route: [{destination: {host: %1$s}}]
        """.formatted(HOST, ports.get("v1"), ports.get("v2"));
    Path tmp = dir.resolve("reviews.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, configDir.resolve("reviews.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    await().atMost(CONFIG_WAIT).pollInterval(Duration.ofMillis(100)).until(() -> count(channel, 20), equalTo(Map.of("v2", 20)));
    assertThat(count(channel, 200)).as("priority 0: the node's own zone").isEqualTo(Map.of("v2", 200));

    backends.get(1).shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    await().atMost(CONFIG_WAIT).pollInterval(Duration.ofMillis(100)).until(() -> who(channel), equalTo("v1"));
    assertThat(count(channel, 50)).as("priority 1 once priority 0 has failed").isEqualTo(Map.of("v1", 50));
    assertThat(xdsErrors).as("grpc-xds errors and NACKs").isEmpty();
  }

  private void writeConfig(String jasonSubset, int v1Weight, int v2Weight) throws IOException {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [%1$s]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: grpc, protocol: GRPC}]
          endpoints:
          - {address: 127.0.0.1, ports: {grpc: %2$d}, labels: {app: reviews, version: v1}}
          - {address: 127.0.0.1, ports: {grpc: %3$d}, labels: {app: reviews, version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: %1$s
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [%1$s]
          http:
          - name: slow
            match:
            - uri: {prefix: /meshlet.test.Reviews/Slow}
            timeout: 500ms
            route:
            - destination: {host: %1$s, subset: v1}
          - name: jason
            match:
            - headers:
                end-user: {exact: jason}
            route:
            - destination: {host: %1$s, subset: %4$s}
            # Puts the CORS filter (optional) in the listener: grpc-xds must still accept it.
            corsPolicy:
              allowOrigins: [{exact: "https://reviews.example"}]
              allowMethods: [POST]
          - name: split
            route:
            - destination: {host: %1$s, subset: v1}
              weight: %5$d
            - destination: {host: %1$s, subset: v2}
              weight: %6$d
        """.formatted(HOST, ports.get("v1"), ports.get("v2"), jasonSubset, v1Weight, v2Weight);
    Path tmp = dir.resolve("reviews.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, configDir.resolve("reviews.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * gRPC's bootstrap as istio-agent writes it for the {@code grpc-agent} template (see
   * mesh-xds-client's {@code istio-grpc-agent-bootstrap.json}), trimmed to what a node is told about
   * itself, with the control plane as {@code server_uri}. The control plane groups nodes by
   * {@code NAMESPACE} and {@code LABELS}.
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

  /**
   * A grpc-xds channel to {@code target} with this test's bootstrap. NettyChannelBuilder, not
   * Grpc.newChannelBuilder: the latter hands the channel the default registry's provider for "xds",
   * which would win over this channel's own.
   */
  @SuppressWarnings("deprecation") // nameResolverFactory: the way to give one channel its own resolver (grpc-java #7133)
  private ManagedChannel xdsChannel(String target) throws IOException {
    return NettyChannelBuilder.forTarget(target, InsecureChannelCredentials.create())
        .nameResolverFactory(XdsNameResolverProvider.createForTest("xds", bootstrap(cp.port())))
        .build();
  }

  /**
   * A plaintext gRPC server on a free loopback port: {@code Who} answers {@code name}, {@code Slow}
   * answers it after {@link #SLOW_ANSWER} unless the call was cancelled by then.
   */
  private Server backend(String name) throws IOException {
    ServerServiceDefinition service = ServerServiceDefinition.builder("meshlet.test.Reviews")
        .addMethod(WHO, ServerCalls.asyncUnaryCall((request, response) -> {
          response.onNext(name);
          response.onCompleted();
        }))
        .addMethod(SLOW, ServerCalls.asyncUnaryCall((request, response) -> slowAnswers.schedule(() -> {
          if (!((ServerCallStreamObserver<String>) response).isCancelled()) {
            response.onNext(name);
            response.onCompleted();
          }
        }, SLOW_ANSWER.toMillis(), TimeUnit.MILLISECONDS)))
        .build();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
        .addService(service)
        .build()
        .start();
  }

  private Channel withEndUser(String user) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("end-user", Metadata.ASCII_STRING_MARSHALLER), user);
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Who answered, or the call's status (so a wait that times out shows why calls fail). */
  private static String who(Channel ch) {
    try {
      return ClientCalls.blockingUnaryCall(ch, WHO, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "who");
    } catch (StatusRuntimeException e) {
      return e.getStatus().toString();
    }
  }

  /** How many of {@code n} calls each backend answered (failed calls are counted by their status). */
  private static Map<String, Integer> count(Channel ch, int n) {
    Map<String, Integer> hits = new HashMap<>();
    for (int i = 0; i < n; i++) {
      hits.merge(who(ch), 1, Integer::sum);
    }
    return hits;
  }

  /** UTF-8 strings as messages: no protobuf, no codegen. */
  private enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
