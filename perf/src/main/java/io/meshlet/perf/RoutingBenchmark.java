package io.meshlet.perf;

import io.meshlet.core.Mesh;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.CompiledDestination;
import io.meshlet.core.routing.CompiledRoute;
import io.meshlet.core.routing.ServiceRoutes;
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

/**
 * The client-side routing decision, as {@code MeshInterceptor} makes it: {@code RouteTable.lookup(host)}
 * → {@code ServiceRoutes.match(request)} → {@code CompiledRoute.pickDestination(random)} (80/20 over
 * subsets v1/v2) → {@code CompiledDestination.cluster(port)} → {@code Cluster.pick(request, random)}
 * (LEAST_REQUEST over three endpoints). The mesh is built from generated Istio YAML; see {@link MeshYaml}.
 *
 * <p>{@code routes} is the total number of VirtualService rules. {@code shape}:
 * <ul>
 *   <li>{@code spread}: {@code routes/10} hosts with 10 rules each (one host with one rule when
 *       {@code routes} is 1); the request goes to the middle host and matches its middle rule (index 5),
 *       so five rules are tried and rejected first.
 *   <li>{@code oneHostLast}: the worst case, all {@code routes} rules on one host and the request
 *       matches the last one, so the first-match scan tries every rule.
 * </ul>
 * Rules that do not match are rejected on their uri prefix ({@code /api/v<r>/}); the matching rule
 * also checks the {@code x-user} header. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the
 * bytes allocated per decision.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoutingBenchmark {
  @Param({"1", "100", "1000"})
  public int routes;

  @Param({"spread", "oneHostLast"})
  public String shape;

  private Mesh mesh;
  private RandomGenerator random;
  private BenchRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    int hosts;
    int rulesPerHost;
    int targetHost;
    int targetRule;
    if (shape.equals("spread")) {
      rulesPerHost = Math.min(10, routes);
      hosts = routes / rulesPerHost;
      targetHost = hosts / 2;
      targetRule = rulesPerHost / 2;
    } else if (shape.equals("oneHostLast")) {
      rulesPerHost = routes;
      hosts = 1;
      targetHost = 0;
      targetRule = routes - 1;
    } else {
      throw new IllegalArgumentException("shape: " + shape + " (expected: spread or oneHostLast)");
    }
    mesh = Mesh.builder()
        .workload("bench")
        .namespace("default")
        .configSource(new YamlSource(MeshYaml.routing(hosts, rulesPerHost)))
        .build();
    random = mesh.random();
    request = new BenchRequest(MeshYaml.host(targetHost), MeshYaml.PORT, MeshYaml.prefix(targetRule) + "items/42",
        "accept", "application/json", MeshYaml.HEADER, MeshYaml.user(targetRule));
    check(hosts * rulesPerHost, targetRule);
  }

  /** Fails the trial unless the request takes the intended rule to a LEAST_REQUEST cluster. */
  private void check(int totalRules, int targetRule) {
    if (totalRules != routes) {
      throw new IllegalStateException("generated " + totalRules + " rules, expected " + routes);
    }
    ServiceRoutes service = mesh.routeTable().lookup(request.host());
    CompiledRoute route = service == null ? null : service.match(request);
    if (route == null || route.index() != targetRule) {
      throw new IllegalStateException(request + " matched " + route + ", expected rule " + targetRule);
    }
    Cluster cluster = route.pickDestination(random).cluster(request.port());
    if (cluster == null || !cluster.policy().equals("LEAST_REQUEST") || cluster.endpoints().size() != 3) {
      throw new IllegalStateException("unexpected cluster " + cluster);
    }
    if (decision() == null) {
      throw new IllegalStateException("no endpoint for " + request);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    mesh.close();
  }

  /** The whole decision: lookup, first-match, weighted pick, cluster by port, LB pick. */
  @Benchmark
  public Endpoint decision() {
    ServiceRoutes service = mesh.routeTable().lookup(request.host());
    CompiledRoute route = service.match(request);
    CompiledDestination destination = route.pickDestination(random);
    Cluster cluster = destination.cluster(request.port());
    return cluster.pick(request, random);
  }

  /** Route matching only (the budget's "< 1 µs at 1,000 routes"): lookup by host, then first-match. */
  @Benchmark
  public CompiledRoute match() {
    return mesh.routeTable().lookup(request.host()).match(request);
  }
}
