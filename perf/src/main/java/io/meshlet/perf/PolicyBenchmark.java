package io.meshlet.perf;

import io.meshlet.core.Mesh;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.pipeline.CallFailure;
import io.meshlet.core.pipeline.LocalReply;
import io.meshlet.core.pipeline.OutboundCall;
import io.meshlet.core.pipeline.Routed;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.CompiledDestination;
import io.meshlet.core.routing.CompiledRoute;
import io.meshlet.core.routing.ServiceRoutes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-request pipeline work on the success path, as every adapter does it around one try:
 * {@code MeshPipeline.outbound} (route, destination, cluster) → {@code faultDelay} → {@code admit}
 * (abort, breaker, pool) → {@code startTry} (endpoint, timeout) → {@code onResult(200)} → {@code end}.
 *
 * <p>{@code policy}:
 * <ul>
 *   <li>{@code default}: a rule with no resilience fields (Istio's default retries, no timeout, no
 *       fault) to a cluster with no DestinationRule (no pool limit, no outlier detection, Meshlet's
 *       default retry budget);
 *   <li>{@code full}: a rule with {@code timeout}, {@code retries} (attempts, perTryTimeout, retryOn)
 *       and a delay and an abort at 0 %, to a cluster with {@code connectionPool}, {@code
 *       outlierDetection} and {@code retryBudget}.
 * </ul>
 * Both go to a STATIC ServiceEntry with three endpoints, LEAST_REQUEST. {@code decision} is the
 * routing decision of {@link RoutingBenchmark#decision()} on the same mesh, for comparison in the
 * same run; {@code decisionAndPolicy} is the whole pipeline, what an adapter does before and after
 * sending (the policy work alone is the difference of the two). Run with {@code -prof gc} for bytes
 * per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyBenchmark {
  private static final String HOST = "orders";

  @Param({"default", "full"})
  public String policy;

  private Mesh mesh;
  private MeshTime time;
  private RandomGenerator random;
  private BenchRequest request;
  private CompiledRoute route;
  private Cluster cluster;

  @Setup(Level.Trial)
  public void setUp() {
    boolean full;
    if (policy.equals("default")) {
      full = false;
    } else if (policy.equals("full")) {
      full = true;
    } else {
      throw new IllegalArgumentException("policy: " + policy + " (expected: default or full)");
    }
    mesh = Mesh.builder()
        .workload("bench")
        .namespace("default")
        .configSource(new YamlSource(yaml(full)))
        .build();
    time = mesh.time();
    random = mesh.random();
    request = new BenchRequest(HOST, MeshYaml.PORT, "/orders/42", "accept", "application/json");
    ServiceRoutes service = mesh.routeTable().lookup(HOST);
    route = service == null ? null : service.match(request);
    if (route == null) {
      throw new IllegalStateException("no route for " + request);
    }
    cluster = route.pickDestination(random).cluster(request.port());
    if (cluster == null || cluster.endpoints().size() != 3 || !cluster.policy().equals("LEAST_REQUEST")) {
      throw new IllegalStateException("unexpected cluster " + cluster);
    }
    check(full);
  }

  /** Fails the trial unless the policies are the intended ones and the success path is taken. */
  private void check(boolean full) {
    String routePolicy = route.policy().toString();
    String limits = cluster.clusterPolicy().toString();
    boolean ok = full
        ? route.policy().timeout() != null && route.policy().retries().perTryTimeout() != null
            && route.policy().fault() != null && cluster.clusterPolicy().connectionPool() != null
            && cluster.clusterPolicy().outlierDetection() != null
            && cluster.clusterPolicy().retryBudget().minRetryConcurrency() == 5
        : route.policy().timeout() == null && route.policy().fault() == null
            && cluster.clusterPolicy().connectionPool() == null && cluster.clusterPolicy().outlierDetection() == null;
    if (!ok) {
      throw new IllegalStateException("unexpected policies: route " + routePolicy + "; cluster " + limits);
    }
    OutboundCall call = (OutboundCall) mesh.pipeline().outbound(request, null);
    try {
      if (call.faultDelay() != null || call.admit() != null) {
        throw new IllegalStateException("success path not taken: fault or overflow");
      }
      if (call.startTry() != null) {
        throw new IllegalStateException("no try");
      }
      Endpoint e = call.endpoint();
      Duration t = call.tryTimeout();
      if (e == null || (full ? t == null || t.compareTo(Duration.ofMillis(500)) > 0 : t != null)) {
        throw new IllegalStateException("endpoint " + e + ", try timeout " + t);
      }
      if (call.onResult(AttemptResult.status(200)) >= 0) {
        throw new IllegalStateException("a 200 was retried");
      }
    } finally {
      call.end();
    }
    if (cluster.clusterPolicy().activeRequests() != 0 || cluster.clusterPolicy().activeRetries() != 0) {
      throw new IllegalStateException("counters not released: " + cluster.clusterPolicy().activeRequests());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    mesh.close();
  }

  /** The routing decision alone, as {@link RoutingBenchmark#decision()}. */
  @Benchmark
  public Endpoint decision() {
    ServiceRoutes service = mesh.routeTable().lookup(request.host());
    CompiledRoute r = service.match(request);
    CompiledDestination destination = r.pickDestination(random);
    Cluster c = destination.cluster(request.port());
    return c.pick(request, random);
  }

  /** The whole pipeline of one successful call: routing decision, faults, admission, one try, its result. */
  @Benchmark
  public void decisionAndPolicy(Blackhole bh) {
    Routed routed = mesh.pipeline().outbound(request, null);
    OutboundCall call = (OutboundCall) routed;
    try {
      Duration delay = call.faultDelay();
      LocalReply refused = call.admit();
      CallFailure noTry = call.startTry();
      Endpoint e = call.endpoint();
      Duration t = call.tryTimeout();
      long retryIn = call.onResult(AttemptResult.status(200));
      bh.consume(delay);
      bh.consume(refused);
      bh.consume(noTry);
      bh.consume(e);
      bh.consume(t);
      bh.consume(retryIn);
    } finally {
      call.end();
    }
  }

  private static String yaml(boolean full) {
    StringBuilder y = new StringBuilder()
        .append("apiVersion: networking.istio.io/v1\n")
        .append("kind: ServiceEntry\n")
        .append("metadata:\n  name: ").append(HOST).append('\n')
        .append("spec:\n")
        .append("  hosts: [").append(HOST).append("]\n")
        .append("  location: MESH_INTERNAL\n")
        .append("  resolution: STATIC\n")
        .append("  ports:\n  - number: ").append(MeshYaml.PORT).append("\n    name: http\n    protocol: HTTP\n")
        .append("  endpoints:\n")
        .append("  - address: 10.0.0.1\n")
        .append("  - address: 10.0.0.2\n")
        .append("  - address: 10.0.0.3\n")
        .append("---\n")
        .append("apiVersion: networking.istio.io/v1\n")
        .append("kind: VirtualService\n")
        .append("metadata:\n  name: ").append(HOST).append('\n')
        .append("spec:\n")
        .append("  hosts: [").append(HOST).append("]\n")
        .append("  http:\n")
        .append("  - name: orders\n")
        .append("    route:\n    - destination: {host: ").append(HOST).append("}\n");
    if (!full) {
      return y.toString();
    }
    y.append("    timeout: 2s\n")
        .append("    retries: {attempts: 3, perTryTimeout: 500ms, retryOn: \"5xx,connect-failure,reset\"}\n")
        .append("    fault:\n")
        .append("      delay: {fixedDelay: 1s, percentage: {value: 0}}\n")
        .append("      abort: {httpStatus: 503, percentage: {value: 0}}\n")
        .append("---\n")
        .append("apiVersion: networking.istio.io/v1\n")
        .append("kind: DestinationRule\n")
        .append("metadata:\n  name: ").append(HOST).append('\n')
        .append("spec:\n")
        .append("  host: ").append(HOST).append('\n')
        .append("  trafficPolicy:\n")
        .append("    connectionPool:\n")
        .append("      tcp: {maxConnections: 100, connectTimeout: 1s}\n")
        .append("      http: {http1MaxPendingRequests: 100, http2MaxRequests: 1000, maxRetries: 10}\n")
        .append("    outlierDetection:\n")
        .append("      consecutive5xxErrors: 5\n")
        .append("      interval: 10s\n")
        .append("      baseEjectionTime: 30s\n")
        .append("      maxEjectionPercent: 50\n")
        .append("    retryBudget:\n")
        .append("      percent: {value: 25}\n")
        .append("      minRetryConcurrency: 5\n");
    return y.toString();
  }
}
