package io.meshlet.perf.xds;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import com.google.common.util.concurrent.MoreExecutors;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.ExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.serializer.CachedProtoResourcesSerializer;
import io.envoyproxy.controlplane.server.serializer.DefaultProtoResourcesSerializer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Config push to applied, for N clients on one control plane: java-control-plane's V3DiscoveryServer
 * (what mesh-control-plane serves with) pushes a new weighted split to N connected Meshlet xDS
 * clients; for each push, the time from setSnapshot to each client's applied update is recorded.
 *
 * <pre>java -cp perf/target/benchmarks.jar io.meshlet.perf.xds.XdsPushLatency [clients=100] [pushes=30] [options]</pre>
 *
 * Options, {@code key=value}:
 * <ul>
 *   <li>{@code types=rds|all}: only the RouteConfiguration gets a new version per push (default), or every type,
 *       as mesh-control-plane versions its snapshots (four responses per client per push);
 *   <li>{@code procs=K}: the clients spread over K child JVMs (default 1: all clients in this JVM, beside the server);
 *   <li>{@code applied=source|mesh}: stamp when the xDS source hands on its update (default), or when a real Mesh per
 *       client has compiled and published it;
 *   <li>{@code serializer=default|cached}: java-control-plane packs every resource per stream (its default), or once
 *       ({@code CachedProtoResourcesSerializer}, as mesh-control-plane serves);
 *   <li>{@code send=direct|pool}: responses are built and written on the thread that calls setSnapshot (default), or
 *       per stream in order on a pool of two threads;
 *   <li>{@code warmup=N}: N pushes first that are not recorded (default 0), to see the warm state apart from JIT work.
 * </ul>
 */
public final class XdsPushLatency {
  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int pushes = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    PushSnapshots.Types types = PushSnapshots.Types.RDS;
    PushClients.Applied applied = PushClients.Applied.SOURCE;
    int procs = 1;
    boolean cached = false;
    boolean pool = false;
    int warmup = 0;
    for (int i = 2; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      switch (kv[0]) {
        case "types" -> types = PushSnapshots.Types.valueOf(kv[1].toUpperCase(Locale.ROOT));
        case "applied" -> applied = PushClients.Applied.valueOf(kv[1].toUpperCase(Locale.ROOT));
        case "procs" -> procs = Integer.parseInt(kv[1]);
        case "serializer" -> cached = kv[1].equals("cached");
        case "send" -> pool = kv[1].equals("pool");
        case "warmup" -> warmup = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException(args[i] + ": unknown option (expected: types=, applied=, procs=, serializer=, send=)");
      }
    }
    SimpleCache<String> cache = new SimpleCache<>(node -> "all");
    cache.setSnapshot("all", PushSnapshots.snapshot(types, 0));
    ExecutorService sendPool = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "push-send");
      t.setDaemon(true);
      return t;
    });
    ExecutorGroup executors = pool ? () -> MoreExecutors.newSequentialExecutor(sendPool) : new DefaultExecutorGroup();
    V3DiscoveryServer discovery = new V3DiscoveryServer(List.of(), cache, executors,
        cached ? new CachedProtoResourcesSerializer() : new DefaultProtoResourcesSerializer());
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(discovery.getAggregatedDiscoveryServiceImpl()).build().start();
    String target = "127.0.0.1:" + server.getPort();

    int total = warmup + pushes;
    long[][] arrivals = new long[total + 1][clients];
    CountDownLatch[] done = new CountDownLatch[total + 1];
    for (int p = 0; p <= total; p++) {
      done[p] = new CountDownLatch(clients);
    }
    PushClients.Reporter reporter = (client, push, nanos) -> {
      if (push <= total && arrivals[push][client] == 0) {
        arrivals[push][client] = nanos;
        done[push].countDown();
      }
    };
    List<AutoCloseable> groups = new ArrayList<>();
    if (procs <= 1) {
      groups.add(PushClients.start(target, 0, clients, types, applied, reporter));
    } else {
      for (int k = 0; k < procs; k++) {
        int first = clients * k / procs;
        int count = clients * (k + 1) / procs - first;
        groups.add(child(target, first, count, types, applied, reporter));
      }
      for (AutoCloseable g : groups) {
        ((Child) g).awaitReady();
      }
    }
    long[] setSnapshot = new long[total + 1];
    for (int p = 1; p <= warmup; p++) {
      cache.setSnapshot("all", PushSnapshots.snapshot(types, p));
      done[p].await(30, TimeUnit.SECONDS);
      Thread.sleep(20);
    }
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    var threadsBefore = ThreadCpu.sample();
    long handedOnBefore = PushClients.HANDED_ON.get();
    for (int p = warmup + 1; p <= total; p++) {
      long start = System.nanoTime();
      cache.setSnapshot("all", PushSnapshots.snapshot(types, p));
      setSnapshot[p] = System.nanoTime() - start;
      done[p].await(30, TimeUnit.SECONDS);
      for (int c = 0; c < clients; c++) {
        arrivals[p][c] = arrivals[p][c] == 0 ? Long.MAX_VALUE : arrivals[p][c] - start;
      }
      Thread.sleep(100);
    }
    // CPU of this JVM per push (server, and the clients when procs=1), idle pauses included: less
    // sensitive than latency to what else runs on the machine.
    double cpuPerPush = (os.getProcessCpuTime() - cpuBefore) / 1e6 / pushes;
    String byThread = ThreadCpu.perPush(threadsBefore, ThreadCpu.sample(), pushes);
    double handOns = (PushClients.HANDED_ON.get() - handedOnBefore) / (double) pushes / clients;
    long[] latencies = new long[pushes * clients];
    for (int p = warmup + 1; p <= total; p++) {
      System.arraycopy(arrivals[p], 0, latencies, (p - warmup - 1) * clients, clients);
    }
    Arrays.sort(latencies);
    long[] build = Arrays.copyOfRange(setSnapshot, warmup + 1, total + 1);
    Arrays.sort(build);
    long lost = Arrays.stream(latencies).filter(l -> l == Long.MAX_VALUE).count();
    System.out.printf(Locale.ROOT, "clients=%d pushes=%d types=%s applied=%s procs=%d serializer=%s send=%s warmup=%d updates=%d lost=%d%n",
        clients, pushes, types.name().toLowerCase(Locale.ROOT), applied.name().toLowerCase(Locale.ROOT), procs,
        cached ? "cached" : "default", pool ? "pool" : "direct", warmup, latencies.length, lost);
    System.out.printf(Locale.ROOT, "push to applied: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; setSnapshot p50 %.1f ms, max %.1f ms%n",
        ms(latencies, 0.50), ms(latencies, 0.90), ms(latencies, 0.99), ms(latencies, 1.0), ms(build, 0.5), ms(build, 1.0));
    System.out.printf(Locale.ROOT, "cpu of this JVM per push: %.1f ms; by thread kind (ms): %s%n", cpuPerPush, byThread);
    if (procs <= 1) {
      System.out.printf(Locale.ROOT, "updates handed on per client per push: %.2f%n", handOns);
    }
    for (AutoCloseable g : groups) {
      g.close();
    }
    server.shutdownNow();
    sendPool.shutdownNow();
  }

  /** A child JVM running {@code count} clients, reporting on its stdout. */
  private static Child child(String target, int first, int count, PushSnapshots.Types types, PushClients.Applied applied,
      PushClients.Reporter reporter) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        PushClients.class.getName(), target, Integer.toString(first), Integer.toString(count), types.name(), applied.name())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    return new Child(process, reporter);
  }

  private static final class Child implements AutoCloseable {
    private final Process process;
    private final CountDownLatch ready = new CountDownLatch(1);

    Child(Process process, PushClients.Reporter reporter) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            if (line.equals("ready")) {
              ready.countDown();
            } else if (line.startsWith("A ")) {
              String[] f = line.split(" ");
              reporter.arrived(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]));
            }
          }
        } catch (java.io.IOException e) {
          // the child ended
        }
      }, "push-child-reader");
      reader.setDaemon(true);
      reader.start();
    }

    void awaitReady() throws InterruptedException {
      if (!ready.await(90, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a client process did not connect");
      }
    }

    @Override
    public void close() throws Exception {
      process.getOutputStream().close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
      }
    }
  }

  private static double ms(long[] sorted, double q) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    long v = sorted[Math.max(0, i)];
    return v == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : v / 1e6;
  }

  private XdsPushLatency() {}
}
