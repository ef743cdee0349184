package io.meshlet.perf;

import io.grpc.ManagedChannel;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and allocated bytes per gRPC call, by thread kind, for the clients of {@link GrpcChannels}
 * in one JVM against one server, in interleaved rounds (so the clients see the same machine load):
 * a load run beside {@link GrpcChannelBenchmark}, which measures latency and throughput. One
 * thread makes blocking unary calls; per call it reports wall time, the CPU of the process
 * ({@code OperatingSystemMXBean.getProcessCpuTime}, user + system, every thread, JIT and GC included)
 * and of each kind of thread ({@code ThreadMXBean.getThreadCpuTime}: the caller, the client's Netty
 * event loops, the server's event loop, the server's executor), and the bytes allocated by the caller
 * and by all threads ({@code getThreadAllocatedBytes}).
 *
 * <pre>
 * java -cp perf/target/benchmarks.jar io.meshlet.perf.GrpcCpuPerCall [calls=50000] [rounds=3] [warmup=30000]
 * </pre>
 *
 * All clients run in one JVM, so the JIT sees every client's calls through the shared gRPC code;
 * compare the clients with each other within a run.
 */
public final class GrpcCpuPerCall {
  private static final List<String> CHANNELS = List.of("plain", "plainNoRetry", "mesh", "xds");
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private GrpcCpuPerCall() {}

  public static void main(String[] args) throws Exception {
    int calls = arg(args, "calls", 50_000);
    int rounds = arg(args, "rounds", 3);
    int warmup = arg(args, "warmup", 30_000);
    try (GrpcEcho server = GrpcEcho.start(); GrpcChannels channels = new GrpcChannels(server.port())) {
      for (String c : CHANNELS) {
        run(channels.channel(c), warmup);
      }
      System.out.printf("# %d calls per client per round, %d rounds, one calling thread; per call:%n", calls, rounds);
      System.out.printf("%-6s %-13s %8s %9s %9s %9s %9s %9s %9s %10s %10s%n", "round", "channel", "wall_us",
          "cpu_us", "caller", "cl_loop", "srv_loop", "srv_exec", "other", "caller_B", "all_B");
      for (int r = 1; r <= rounds; r++) {
        for (String c : CHANNELS) {
          Snapshot before = Snapshot.take();
          long t0 = System.nanoTime();
          run(channels.channel(c), calls);
          long wall = System.nanoTime() - t0;
          Snapshot after = Snapshot.take();
          Map<String, Long> cpu = after.minus(before);
          System.out.printf("%-6d %-13s %8.1f %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %10d %10d%n", r, c,
              wall / 1e3 / calls, (after.process - before.process) / 1e3 / calls,
              cpu.getOrDefault("caller", 0L) / 1e3 / calls, cpu.getOrDefault("client-loop", 0L) / 1e3 / calls,
              cpu.getOrDefault("server-loop", 0L) / 1e3 / calls, cpu.getOrDefault("server-executor", 0L) / 1e3 / calls,
              cpu.getOrDefault("other", 0L) / 1e3 / calls,
              (after.callerBytes - before.callerBytes) / calls, (after.allBytes - before.allBytes) / calls);
        }
      }
    }
  }

  private static void run(ManagedChannel channel, int calls) {
    for (int i = 0; i < calls; i++) {
      GrpcChannels.call(channel);
    }
  }

  private static int arg(String[] args, String name, int dflt) {
    for (String a : args) {
      if (a.startsWith(name + "=")) {
        return Integer.parseInt(a.substring(name.length() + 1));
      }
    }
    return dflt;
  }

  /** CPU nanoseconds by thread kind, the process's CPU, and allocated bytes, at one moment. */
  private record Snapshot(Map<String, Long> cpu, long process, long callerBytes, long allBytes) {
    static Snapshot take() {
      long me = Thread.currentThread().getId();
      Map<String, Long> cpu = new LinkedHashMap<>();
      long all = 0;
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        long id = t.getId();
        long ns = THREADS.getThreadCpuTime(id);
        long bytes = THREADS.getThreadAllocatedBytes(id);
        if (ns >= 0) {
          cpu.merge(id == me ? "caller" : kind(t.getName()), ns, Long::sum);
        }
        if (bytes > 0) {
          all += bytes;
        }
      }
      return new Snapshot(cpu, OS.getProcessCpuTime(), THREADS.getThreadAllocatedBytes(me), all);
    }

    /** CPU per kind since {@code before}; threads that ended in between are lost (none should). */
    Map<String, Long> minus(Snapshot before) {
      Map<String, Long> d = new LinkedHashMap<>();
      cpu.forEach((k, v) -> d.put(k, v - before.cpu.getOrDefault(k, 0L)));
      return d;
    }

    private static String kind(String thread) {
      if (thread.startsWith("grpc-default-worker") || thread.startsWith("grpc-nio-worker")) {
        return "client-loop";
      }
      if (thread.startsWith("perf-server-loop")) {
        return "server-loop";
      }
      if (thread.startsWith("grpc-default-executor")) {
        return "server-executor";
      }
      return "other";
    }
  }
}
