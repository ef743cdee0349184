package io.meshlet.perf;

import com.sun.net.httpserver.HttpServer;
import io.meshlet.core.Mesh;
import io.meshlet.http.MeshInterceptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One OkHttp client calling a tiny JDK {@code HttpServer} on 127.0.0.1, without and with
 * {@code MeshInterceptor}: {@code plain*} calls {@code http://127.0.0.1:<port>/reviews/1}; {@code mesh*}
 * calls {@code http://reviews:9080/reviews/1}, which a VirtualService and a STATIC ServiceEntry route
 * to the same server (see {@link MeshYaml#loopback}). The mesh client is {@code plain.newBuilder()
 * .addInterceptor(...)}, so both share one connection pool and dispatcher. Calls are synchronous and
 * single-threaded; each reads and closes the body. {@code *Latency} is sampled (p50, p99, ...) in µs,
 * {@code *Throughput} is calls per second. mesh minus plain is the mesh's added cost.
 */
@State(Scope.Benchmark)
@Threads(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
// Without TCP_NODELAY the JDK server can hold small writes back for a delayed ACK (tens of ms).
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class InterceptorBenchmark {
  private static final byte[] BODY = "{\"id\":1,\"stars\":5}\n".getBytes(StandardCharsets.UTF_8);

  private HttpServer server;
  private ExecutorService serverThreads;
  private Mesh mesh;
  private OkHttpClient plain;
  private OkHttpClient meshed;
  private Request plainRequest;
  private Request meshRequest;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    serverThreads = Executors.newFixedThreadPool(2);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, BODY.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(BODY);
      }
    });
    server.setExecutor(serverThreads);
    server.start();
    int port = server.getAddress().getPort();

    mesh = Mesh.builder()
        .workload("productpage")
        .namespace("default")
        .configSource(new YamlSource(MeshYaml.loopback(port)))
        .build();
    plain = new OkHttpClient.Builder().build();
    meshed = plain.newBuilder().addInterceptor(MeshInterceptor.of(mesh)).build();
    plainRequest = new Request.Builder().url("http://127.0.0.1:" + port + "/reviews/1").build();
    meshRequest = new Request.Builder().url("http://reviews:" + MeshYaml.PORT + "/reviews/1").build();
    // Fail the trial now, not with a confusing score, if either path does not reach the server.
    call(plain, plainRequest);
    call(meshed, meshRequest);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    meshed.connectionPool().evictAll();
    plain.dispatcher().executorService().shutdown();
    server.stop(0);
    serverThreads.shutdownNow();
    mesh.close();
  }

  private static int call(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      if (response.code() != 200) {
        throw new IOException(request.url() + ": HTTP " + response.code());
      }
      return response.body().bytes().length;
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int plainLatency() throws IOException {
    return call(plain, plainRequest);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int meshLatency() throws IOException {
    return call(meshed, meshRequest);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int plainThroughput() throws IOException {
    return call(plain, plainRequest);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int meshThroughput() throws IOException {
    return call(meshed, meshRequest);
  }
}
