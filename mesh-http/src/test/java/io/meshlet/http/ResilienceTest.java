package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.meshlet.core.Mesh;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.resilience.ManualTime;
import io.meshlet.core.resilience.MeshTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timeouts, retries, budgets, pool limits, outlier detection and faults against real servers that fail on cue. */
class ResilienceTest {
  @TempDir Path dir;
  final List<Backend> backends = new ArrayList<>();
  final List<Mesh> meshes = new ArrayList<>();

  @BeforeEach
  void start() {
    for (int i = 0; i < 3; i++) {
      backends.add(new Backend("b" + i));
    }
  }

  @AfterEach
  void stop() {
    meshes.forEach(Mesh::close);
    backends.forEach(Backend::close);
  }

  // ---- retries ---------------------------------------------------------------------------------

  @Test
  void istiosDefaultRetriesA503OnAnotherEndpoint() throws IOException {
    OkHttpClient client = client(mesh("", "loadBalancer: {simple: ROUND_ROBIN}", MeshTime.system()));
    backends.get(0).respond(503);
    for (int i = 0; i < 30; i++) {
      try (Response r = call(client, "GET")) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).isIn("b1", "b2");
      }
    }
    assertThat(backends.get(0).hits()).isPositive();
  }

  @Test
  void retriesRunOutWithUrxAndTheLastResponse() throws IOException {
    OkHttpClient client = client(mesh("retries: {attempts: 2, retryOn: 5xx}", "", MeshTime.system()));
    backends.forEach(b -> b.respond(500));
    try (Response r = call(client, "GET")) {
      assertThat(r.code()).isEqualTo(500);
      assertThat(r.header(ResponseFlag.HEADER)).isEqualTo("URX");
    }
    assertThat(backends.stream().mapToInt(Backend::hits).sum()).isEqualTo(3);
    assertThat(backends).allSatisfy(b -> assertThat(b.hits()).isEqualTo(1)); // each try on another endpoint
  }

  @Test
  void postIsNotRetriedUnlessTheRouteOptsIn() throws IOException {
    OkHttpClient client = client(mesh("retries: {attempts: 2, retryOn: 5xx}", "", MeshTime.system()));
    backends.forEach(b -> b.respond(503));
    try (Response r = call(client, "POST")) {
      assertThat(r.code()).isEqualTo(503);
    }
    assertThat(backends.stream().mapToInt(Backend::hits).sum()).isEqualTo(1);

    OkHttpClient optedIn = client(mesh("retries: {attempts: 2, retryOn: 5xx}", "", MeshTime.system(),
        "  annotations: {retries.meshlet.io/non-idempotent: \"*\"}\n"));
    try (Response r = call(optedIn, "POST")) {
      assertThat(r.code()).isEqualTo(503);
    }
    assertThat(backends.stream().mapToInt(Backend::hits).sum()).isEqualTo(1 + 3);
  }

  @Test
  void aResetIsRetriedWhenRetryOnSaysSoAndFailsWithUcOtherwise() throws IOException {
    backends.forEach(b -> b.behave(Backend.Behavior.RESET));
    backends.get(2).behave(Backend.Behavior.OK);
    OkHttpClient client = client(mesh("retries: {attempts: 2, retryOn: reset}", "loadBalancer: {simple: ROUND_ROBIN}",
        MeshTime.system()));
    try (Response r = call(client, "GET")) {
      assertThat(r.body().string()).isEqualTo("b2");
    }
    OkHttpClient noRetry = client(mesh("retries: {attempts: 0}", "loadBalancer: {simple: ROUND_ROBIN}", MeshTime.system()));
    assertThatThrownBy(() -> call(noRetry, "GET").close())
        .isInstanceOfSatisfying(MeshRoutingException.class, e -> assertThat(e.responseFlag()).isEqualTo(ResponseFlag.UC))
        .hasMessageContaining("try 1 to outbound|8080||catalog.default.svc.cluster.local");
  }

  @Test
  void aDeadEndpointIsAConnectFailureAndIstiosDefaultRetriesIt() throws IOException {
    OkHttpClient client = client(mesh("", "loadBalancer: {simple: ROUND_ROBIN}", MeshTime.system()));
    backends.get(1).close();
    for (int i = 0; i < 12; i++) {
      try (Response r = call(client, "GET")) {
        assertThat(r.code()).isEqualTo(200);
      }
    }
  }

  @Test
  void aPassthroughServiceIsRetriedWithoutCrashing() throws IOException {
    backends.forEach(b -> b.respond(503));
    Path file = Files.createTempFile(dir, "mesh", ".yaml");
    Files.writeString(file, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: loopback}
        spec:
          hosts: [127.0.0.1]
          resolution: NONE
          ports: [{number: %d, name: http, protocol: HTTP}]
        """.formatted(backends.get(0).port()));
    Mesh mesh = Mesh.builder().workload("frontend").configFile(file).build();
    meshes.add(mesh);
    try (Response r = client(mesh).newCall(new Request.Builder().url("http://127.0.0.1:" + backends.get(0).port() + "/").build()).execute()) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.header(ResponseFlag.HEADER)).isEqualTo("URX");
    }
    assertThat(backends.get(0).hits()).as("Istio's default: 2 retries of a 503").isEqualTo(3);
  }

  @Test
  void anEjectionThroughASubsetIsHonouredByTheHostsOwnCluster() throws IOException {
    ManualTime time = new ManualTime();
    backends.get(0).respond(500);
    StringBuilder eps = new StringBuilder();
    for (Backend b : backends) {
      eps.append("  - {address: 127.0.0.1, ports: {http: ").append(b.port()).append("}, labels: {tier: web}}\n");
    }
    Path file = Files.createTempFile(dir, "mesh", ".yaml");
    Files.writeString(file, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: catalog}
        spec:
          hosts: [catalog]
          resolution: STATIC
          ports: [{number: 8080, name: http, protocol: HTTP}]
          endpoints:
        %s---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: catalog}
        spec:
          host: catalog
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: {consecutive5xxErrors: 1, maxEjectionPercent: 50}
          subsets:
          - {name: web, labels: {tier: web}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: catalog}
        spec:
          hosts: [catalog]
          http:
          - match: [{headers: {x-subset: {exact: web}}}]
            retries: {attempts: 0}
            route: [{destination: {host: catalog, subset: web}}]
          - retries: {attempts: 0}
            route: [{destination: {host: catalog}}]
        """.formatted(eps));
    Mesh mesh = Mesh.builder().workload("frontend").configFile(file).time(time).build();
    meshes.add(mesh);
    OkHttpClient client = client(mesh);
    for (int i = 0; i < 3; i++) {
      client.newCall(new Request.Builder().url("http://catalog:8080/").header("x-subset", "web").build()).execute().close();
    }
    assertThat(backends.get(0).hits()).as("b0 failed once, through subset web, and was ejected").isEqualTo(1);
    for (int i = 0; i < 6; i++) {
      call(client, "GET").close(); // through the host's own cluster
    }
    assertThat(backends.get(0).hits()).isEqualTo(1);
  }

  // ---- timeouts and deadlines ------------------------------------------------------------------

  @Test
  void perTryTimeoutMovesOnFromAHangingEndpoint() throws IOException {
    backends.get(0).behave(Backend.Behavior.HANG);
    // A real socket timeout: long enough that a healthy endpoint on a loaded machine always beats it.
    OkHttpClient client = client(mesh("retries: {attempts: 2, perTryTimeout: 2s, retryOn: gateway-error}",
        "loadBalancer: {simple: ROUND_ROBIN}", MeshTime.system()));
    for (int i = 0; i < 3; i++) {
      try (Response r = call(client, "GET")) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).isIn("b1", "b2");
      }
    }
    assertThat(backends.get(0).hits()).isPositive();
    assertThat(backends.get(1).last().getHeaders().get(Deadline.HEADER)).isEqualTo("2000");
  }

  @Test
  void anEnqueuedCallSeesTheCallersDeadlineThroughApplyTo() throws Exception {
    Mesh mesh = mesh("retries: {attempts: 0}", "loadBalancer: {simple: ROUND_ROBIN}", MeshTime.system());
    OkHttpClient meshed = MeshInterceptor.of(mesh).applyTo(new OkHttpClient());
    try (Deadline.Scope s = Deadline.after(Duration.ofSeconds(30), mesh.time()).attach()) {
      enqueue(meshed);
    }
    String sent = backends.stream().filter(b -> b.hits() > 0).findFirst().orElseThrow().last().getHeaders().get(Deadline.HEADER);
    assertThat(sent).as("the dispatcher thread's call carries what is left of the caller's 30 s").isNotNull();
    assertThat(Long.parseLong(sent)).isBetween(1L, 30_000L);

    backends.forEach(Backend::close);
    backends.clear();
    start();
    Mesh again = mesh("retries: {attempts: 0}", "loadBalancer: {simple: ROUND_ROBIN}", MeshTime.system());
    try (Deadline.Scope s = Deadline.after(Duration.ofSeconds(30), again.time()).attach()) {
      enqueue(client(again));
    }
    assertThat(backends.stream().filter(b -> b.hits() > 0).findFirst().orElseThrow().last().getHeaders().get(Deadline.HEADER))
        .as("without applyTo the dispatcher thread has no deadline").isNull();
  }

  private static void enqueue(OkHttpClient client) throws Exception {
    java.util.concurrent.CompletableFuture<Integer> code = new java.util.concurrent.CompletableFuture<>();
    client.newCall(new Request.Builder().url("http://catalog:8080/items").build()).enqueue(new okhttp3.Callback() {
      @Override
      public void onFailure(okhttp3.Call call, IOException e) {
        code.completeExceptionally(e);
      }

      @Override
      public void onResponse(okhttp3.Call call, Response response) {
        response.close();
        code.complete(response.code());
      }
    });
    assertThat(code.get(30, TimeUnit.SECONDS)).isEqualTo(200);
  }

  @Test
  void theRouteTimeoutBoundsEveryTry() throws IOException {
    backends.forEach(b -> b.behave(Backend.Behavior.HANG));
    OkHttpClient client = client(mesh("timeout: 300ms\n    retries: {attempts: 5, retryOn: reset}", "", MeshTime.system()));
    long start = System.nanoTime();
    assertThatThrownBy(() -> call(client, "GET").close())
        .isInstanceOfSatisfying(MeshRoutingException.class, e -> assertThat(e.responseFlag()).isEqualTo(ResponseFlag.UT));
    // Not a timing assertion on a noisy machine: only that it gave up well before 5 hanging tries of no timeout.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void theCallersDeadlineStopsRetries() throws IOException {
    ManualTime time = new ManualTime();
    backends.forEach(b -> b.respond(503));
    // The interceptor turns what is left of the deadline into real socket timeouts, so it is generous
    // (30 s, for a loopback call that answers at once); the first backoff is certainly longer: 2 min
    // jittered by ±50 % is at least 60 s. The backoffs sleep on the ManualTime, so nothing waits.
    OkHttpClient client = client(mesh("retries: {attempts: 3, retryOn: 5xx, backoff: 2m}", "", time));
    try (Deadline.Scope s = Deadline.after(Duration.ofSeconds(30), time).attach();
        Response r = call(client, "GET")) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.header(ResponseFlag.HEADER)).isEqualTo("URX");
    }
    assertThat(backends.stream().mapToInt(Backend::hits).sum()).as("the first backoff would pass the deadline").isEqualTo(1);
    try (Response r = call(client, "GET")) {
      assertThat(r.code()).isEqualTo(503);
    }
    assertThat(backends.stream().mapToInt(Backend::hits).sum()).as("without a deadline: 1 + 3 tries").isEqualTo(1 + 4);
  }

  // ---- budget and pool -------------------------------------------------------------------------

  @Test
  void theRetryBudgetHoldsExtraLoadUnderItsPercentWhileEverythingFails() throws Exception {
    backends.forEach(b -> {
      b.respond(503);
      b.delayMillis = 20; // slow failures keep many requests in flight, which is what a budget is about
    });
    OkHttpClient client = client(mesh("retries: {attempts: 5, retryOn: 5xx, backoff: 1ms}",
        "retryBudget: {percent: {value: 20}, minRetryConcurrency: 1}", MeshTime.system()));
    int threads = 24;
    int perThread = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            try (Response r = call(client, "GET")) {
              r.body().string();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int requests = threads * perThread;
    int hits = backends.stream().mapToInt(Backend::hits).sum();
    // Without a budget every request would be tried 6 times (6x load). With 20 %, retries in flight stay
    // near a fifth of requests in flight.
    assertThat(hits / (double) requests).isLessThan(1.6);
    assertThat(hits).isGreaterThan(requests);
  }

  @Test
  void connectionPoolOverflowIsAnImmediate503WithUo() throws Exception {
    backends.forEach(b -> b.behave(Backend.Behavior.HOLD)); // in flight until released, however slow the machine
    OkHttpClient client = client(mesh("", "connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}",
        MeshTime.system()));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch started = new CountDownLatch(2);
    try {
      List<Future<Integer>> slow = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        slow.add(pool.submit(() -> {
          started.countDown();
          try (Response r = call(client, "GET")) {
            return r.code();
          }
        }));
      }
      started.await();
      waitForInFlight(2);
      try (Response r = call(client, "GET")) {
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.header(ResponseFlag.HEADER)).isEqualTo("UO");
        assertThat(r.body().string()).contains("connectionPool limit");
      }
      backends.forEach(Backend::release);
      for (Future<Integer> f : slow) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void waitForInFlight(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (backends.stream().mapToInt(Backend::hits).sum() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  // ---- outlier detection -----------------------------------------------------------------------

  @Test
  void outlierDetectionEjectsABadEndpointAndBringsItBack() throws IOException {
    ManualTime time = new ManualTime();
    backends.get(0).respond(500);
    Mesh mesh = mesh("retries: {attempts: 0}", """
        loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: {consecutive5xxErrors: 3, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50}""", time);
    OkHttpClient client = client(mesh);
    for (int i = 0; i < 12; i++) {
      call(client, "GET").close();
    }
    assertThat(backends.get(0).hits()).as("ejected after 3 consecutive 5xx").isEqualTo(3);
    Explanation e = mesh.explain("http://catalog:8080/", Map.of());
    assertThat(e.policies()).anySatisfy(p -> assertThat(p).startsWith("ejected: 127.0.0.1:" + backends.get(0).port()));

    backends.get(0).behave(Backend.Behavior.OK);
    time.advance(Duration.ofSeconds(31));
    for (int i = 0; i < 6; i++) {
      call(client, "GET").close();
    }
    assertThat(backends.get(0).hits()).as("back after baseEjectionTime").isGreaterThan(3);
  }

  @Test
  void panicModeUsesEveryEndpointWhenTooFewAreHealthy() throws IOException {
    ManualTime time = new ManualTime();
    backends.forEach(b -> b.respond(500));
    Mesh mesh = mesh("retries: {attempts: 0}", """
        loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: {consecutive5xxErrors: 1, maxEjectionPercent: 100, minHealthPercent: 50}""", time);
    OkHttpClient client = client(mesh);
    for (int i = 0; i < 3; i++) {
      call(client, "GET").close();
    }
    int before = backends.stream().mapToInt(Backend::hits).sum();
    assertThat(mesh.explain("http://catalog:8080/", Map.of()).policies())
        .anySatisfy(p -> assertThat(p).contains("PANIC"));
    for (int i = 0; i < 6; i++) {
      try (Response r = call(client, "GET")) {
        assertThat(r.code()).isEqualTo(500);
      }
    }
    assertThat(backends.stream().mapToInt(Backend::hits).sum() - before).isEqualTo(6);
  }

  // ---- faults ----------------------------------------------------------------------------------

  @Test
  void faultAbortAndDelayHitTheirPercentage() throws IOException {
    ManualTime time = new ManualTime();
    OkHttpClient client = client(mesh("""
        fault:
              abort: {httpStatus: 418, percentage: {value: 30}}
              delay: {fixedDelay: 2s, percentage: {value: 50}}""", "", time, "", new Random(11)));
    int n = 600;
    int aborted = 0;
    int delayed = 0;
    for (int i = 0; i < n; i++) {
      try (Response r = call(client, "GET")) {
        String flags = r.header(ResponseFlag.HEADER, "");
        if (r.code() == 418) {
          aborted++;
          assertThat(flags).contains("FI");
          assertThat(r.body().string()).isEqualTo("fault filter abort");
        }
        if (flags.contains("DI")) {
          delayed++;
        }
      }
    }
    assertThat(aborted / (double) n).isCloseTo(0.30, within(0.06));
    assertThat(delayed / (double) n).isCloseTo(0.50, within(0.06));
    assertThat(time.slept()).isEqualTo(Duration.ofSeconds(2L * delayed));
    assertThat(backends.stream().mapToInt(Backend::hits).sum()).isEqualTo(n - aborted);
  }

  // ---- the whole point -------------------------------------------------------------------------

  @Test
  void killingABackendUnderLoadKeepsSuccessAbove999PerMilleWithPoliciesOn() throws Exception {
    double on = successRateWhileOneBackendDies("""
        retries: {attempts: 3, retryOn: "5xx,reset,connect-failure", perTryTimeout: 2s}""", """
        loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: {consecutive5xxErrors: 2, maxEjectionPercent: 50}""");
    for (Backend b : backends) {
      b.close();
    }
    backends.clear();
    start();
    double off = successRateWhileOneBackendDies("retries: {attempts: 0}", "loadBalancer: {simple: ROUND_ROBIN}");
    System.out.printf("success rate while a backend dies: %.4f with policies, %.4f without%n", on, off);
    assertThat(on).isGreaterThanOrEqualTo(0.999);
    assertThat(off).isLessThan(on);
  }

  private double successRateWhileOneBackendDies(String route, String policy) throws Exception {
    OkHttpClient client = client(mesh(route, policy, MeshTime.system()));
    int threads = 4;
    int perThread = 300;
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            try (Response r = call(client, "GET")) {
              if (r.code() == 200) {
                r.body().string();
                ok.incrementAndGet();
              }
            } catch (IOException e) {
              // counted as a failure
            }
            done.incrementAndGet();
          }
          return null;
        }));
      }
      while (done.get() < threads * perThread / 3) {
        Thread.sleep(2);
      }
      backends.get(1).close(); // dies mid-load: in-flight calls reset, new ones refused
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return ok.get() / (double) (threads * perThread);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Mesh mesh(String routeFields, String trafficPolicy, MeshTime time) throws IOException {
    return mesh(routeFields, trafficPolicy, time, "");
  }

  private Mesh mesh(String routeFields, String trafficPolicy, MeshTime time, String vsMetadata) throws IOException {
    return mesh(routeFields, trafficPolicy, time, vsMetadata, new Random(1));
  }

  private Mesh mesh(String routeFields, String trafficPolicy, MeshTime time, String vsMetadata, Random random)
      throws IOException {
    StringBuilder eps = new StringBuilder();
    for (Backend b : backends) {
      eps.append("  - {address: 127.0.0.1, ports: {http: ").append(b.port()).append("}}\n");
    }
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: catalog}
        spec:
          hosts: [catalog]
          resolution: STATIC
          ports: [{number: 8080, name: http, protocol: HTTP}]
          endpoints:
        %s---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: catalog
        %sspec:
          hosts: [catalog]
          http:
          - route: [{destination: {host: catalog}}]
            %s
        """.formatted(eps, vsMetadata, routeFields);
    if (!trafficPolicy.isEmpty()) {
      yaml += """
          ---
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: catalog}
          spec:
            host: catalog
            trafficPolicy:
              %s
          """.formatted(trafficPolicy);
    }
    Path file = Files.createTempFile(dir, "mesh", ".yaml");
    Files.writeString(file, yaml);
    Mesh mesh = Mesh.builder().workload("frontend").configFile(file).time(time).random(random).build();
    meshes.add(mesh);
    return mesh;
  }

  private static OkHttpClient client(Mesh mesh) {
    return new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
  }

  private static Response call(OkHttpClient client, String method) throws IOException {
    Request.Builder b = new Request.Builder().url("http://catalog:8080/items");
    if (method.equals("POST")) {
      b.post(RequestBody.create(new byte[] {1}, null));
    }
    return client.newCall(b.build()).execute();
  }
}
