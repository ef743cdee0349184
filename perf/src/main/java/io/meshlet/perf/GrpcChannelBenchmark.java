package io.meshlet.perf;

import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A blocking gRPC unary call (a short string each way) to one grpc-java Netty server on 127.0.0.1,
 * through these clients ({@link GrpcChannels}): {@code channel = plain} (a Netty channel straight to
 * the server; {@code plainNoRetry} the same with {@code disableRetry()}, as the mesh builds its inner
 * channels, since the mesh retries itself), {@code mesh} ({@code MeshGrpc.newChannelBuilder(mesh, "reviews:9080")}) and {@code xds}
 * (grpc-java's own xDS client fed the same Istio YAML by a {@code MeshControlPlane}). Every fork
 * starts the server and all the clients and checks that each reaches the server; only the chosen
 * one is measured. {@code latency} is sampled (p50, p99, ...) in µs, {@code throughput} is calls per
 * second. Threads share the channel: run with {@code -t 16} for 16 concurrent callers. With {@code
 * -prof gc}, bytes per call count every thread of the JVM (server, Netty event loops, control plane),
 * so compare them between the channels, not with zero.
 */
@State(Scope.Benchmark)
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class GrpcChannelBenchmark {
  @Param({"plain", "plainNoRetry", "mesh", "xds"})
  public String channel;

  private GrpcEcho server;
  private GrpcChannels channels;
  private ManagedChannel measured;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    server = GrpcEcho.start();
    try {
      channels = new GrpcChannels(server.port());
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
    measured = channels.channel(channel);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    channels.close();
    server.close();
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String latency() {
    return GrpcChannels.call(measured);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public String throughput() {
    return GrpcChannels.call(measured);
  }
}
