package io.meshlet.perf;

import io.meshlet.core.Mesh;
import io.meshlet.http.MeshInterceptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link InterceptorBenchmark} without the network: the last application interceptor answers every
 * call with a canned 200, so {@code mesh - plain} is the CPU time and the bytes {@code MeshInterceptor}
 * adds to a call (routing decision, URL and request rebuild, header edits), free of loopback and
 * server noise. Run with {@code -prof gc} for bytes per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InterceptorOverheadBenchmark {
  private static final byte[] BODY = "{\"id\":1,\"stars\":5}\n".getBytes(StandardCharsets.UTF_8);
  private static final MediaType JSON = MediaType.get("application/json");

  /** Answers in place of the network. */
  private static final Interceptor CANNED = chain -> new Response.Builder()
      .request(chain.request())
      .protocol(Protocol.HTTP_1_1)
      .code(200)
      .message("OK")
      .body(ResponseBody.create(BODY, JSON))
      .build();

  private Mesh mesh;
  private OkHttpClient plain;
  private OkHttpClient meshed;
  private Request plainRequest;
  private Request meshRequest;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    int port = 18080; // never connected to: the canned interceptor answers first
    mesh = Mesh.builder()
        .workload("productpage")
        .namespace("default")
        .configSource(new YamlSource(MeshYaml.loopback(port)))
        .build();
    plain = new OkHttpClient.Builder().addInterceptor(CANNED).build();
    meshed = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).addInterceptor(CANNED).build();
    plainRequest = new Request.Builder().url("http://127.0.0.1:" + port + "/reviews/1").build();
    meshRequest = new Request.Builder().url("http://reviews:" + MeshYaml.PORT + "/reviews/1").build();
    try (Response r = meshed.newCall(meshRequest).execute()) {
      String sent = r.request().url().toString();
      if (!sent.equals(plainRequest.url().toString()) || !"reviews:9080".equals(r.request().header("Host"))) {
        throw new IllegalStateException("mesh sent " + sent + " Host " + r.request().header("Host"));
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    mesh.close();
  }

  private static int call(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      return response.body().bytes().length;
    }
  }

  @Benchmark
  public int plain() throws IOException {
    return call(plain, plainRequest);
  }

  @Benchmark
  public int mesh() throws IOException {
    return call(meshed, meshRequest);
  }
}
