package io.meshlet.perf;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.Workload;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.routing.RouteTableCompiler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;

/**
 * Retained heap and compile time of a {@link Mesh} of {@code services} ServiceEntries × 10 endpoints,
 * each with a two-subset DestinationRule and a two-rule VirtualService (issue 15's measure), without
 * and with a Sidecar scoping the workload to {@code scoped} services. Retained: used heap after
 * full GCs with the Mesh held, minus before it was built. The heap histogram diff (the classes the
 * Mesh added) is printed too.
 *
 * <p>{@code java -cp perf/target/benchmarks.jar io.meshlet.perf.MeshFootprint services=1000 scoped=10 runs=3 top=15}
 */
public final class MeshFootprint {
  private MeshFootprint() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int services = Integer.parseInt(opts.getOrDefault("services", "1000"));
    int scoped = Integer.parseInt(opts.getOrDefault("scoped", "10"));
    int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
    int top = Integer.parseInt(opts.getOrDefault("top", "15"));
    String base = MeshYaml.routing(services, 2, 10);
    System.out.printf("Mesh of %d ServiceEntries x 10 endpoints, 2-subset DestinationRule, 2-rule VirtualService each; JVM %s%n",
        services, Runtime.version());
    for (boolean sidecar : new boolean[] {false, true}) {
      String yaml = sidecar ? MeshYaml.sidecar(scoped) + base : base;
      String label = sidecar ? "Sidecar scoping to " + scoped + " services" : "no Sidecar";
      compileTime(yaml, label);
      for (int run = 1; run <= runs; run++) {
        retained(yaml, label, run, run == runs ? top : 0);
      }
    }
  }

  /** Parse once, then compile the route table repeatedly (fresh previous table: no reuse), median of 20. */
  private static void compileTime(String yaml, String label) {
    long t0 = System.nanoTime();
    IstioYaml.ParseResult parsed = IstioYaml.parse("file", "footprint.yaml", yaml, "default");
    long parseNanos = System.nanoTime() - t0;
    if (!parsed.errors().isEmpty()) {
      throw new IllegalStateException(parsed.errors().toString());
    }
    MeshConfig config = parsed.config();
    Workload workload = new Workload("svc-0", "default", Map.of("app", "svc-0"), "", "");
    List<Long> times = new ArrayList<>();
    RouteTable table = null;
    for (int i = 0; i < 30; i++) {
      long s = System.nanoTime();
      table = RouteTableCompiler.compile(i + 1, config, workload, RouteTable.EMPTY).table();
      if (i >= 10) {
        times.add(System.nanoTime() - s);
      }
    }
    times.sort(null);
    System.out.printf("[%s] parse %.1f ms (cold), compile median %.2f ms (warm, 20 runs), clusters %d%n", label,
        parseNanos / 1e6, times.get(times.size() / 2) / 1e6, table.clusters().size());
  }

  private static void retained(String yaml, String label, int run, int top) throws Exception {
    Path file = Files.createTempFile("footprint", ".yaml");
    Files.writeString(file, yaml);
    Map<String, long[]> before = top > 0 ? histogram() : Map.of();
    long used0 = usedAfterGc();
    Mesh mesh = Mesh.builder().workload("svc-0").namespace("default").labels(Map.of("app", "svc-0"))
        .configFile(file).build();
    long used1 = usedAfterGc();
    System.out.printf("[%s] run %d: retained %.2f MB (%d clusters)%n", label, run, (used1 - used0) / 1e6,
        mesh.routeTable().clusters().size());
    if (top > 0) {
      Map<String, long[]> after = histogram();
      List<Map.Entry<String, long[]>> diff = new ArrayList<>();
      for (Map.Entry<String, long[]> e : after.entrySet()) {
        long[] b = before.getOrDefault(e.getKey(), new long[2]);
        diff.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]}));
      }
      diff.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
      System.out.printf("[%s] top %d classes by bytes the Mesh added (instances, bytes):%n", label, top);
      for (int i = 0; i < Math.min(top, diff.size()); i++) {
        System.out.printf("  %10d %12d  %s%n", diff.get(i).getValue()[0], diff.get(i).getValue()[1], diff.get(i).getKey());
      }
    }
    mesh.close();
    Files.delete(file);
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      long used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(last - used) < 64 * 1024) {
        return used;
      }
      last = used;
    }
    return last;
  }

  /** {@code jcmd GC.class_histogram} of this JVM (a full GC first): class → {instances, bytes}. */
  private static Map<String, long[]> histogram() throws Exception {
    String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, long[]> out = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    return out;
  }
}
