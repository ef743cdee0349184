package io.meshlet.perf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a profiled benchmark's CPU and allocations go, from a JFR recording ({@code -prof jfr} or
 * {@code -XX:StartFlightRecording}): CPU samples ({@code jdk.ExecutionSample}) by thread, by
 * Meshlet frame (inclusive: the share of samples whose stack holds the frame), by method (inclusive)
 * and by leaf frame; allocation samples ({@code jdk.ObjectAllocationSample}, by weight) by thread,
 * by the first Meshlet frame from the top and by allocation site.
 *
 * <pre>
 * java -cp perf/target/benchmarks.jar io.meshlet.perf.JfrSummary recording.jfr [top=25]
 * </pre>
 */
public final class JfrSummary {
  private static final String MESHLET = "io.meshlet.";
  private static final String PERF = "io.meshlet.perf.";

  private JfrSummary() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: JfrSummary recording.jfr [top=25]");
      System.exit(2);
    }
    int top = args.length > 1 ? Integer.parseInt(args[1].replace("top=", "")) : 25;
    List<Sample> cpu = new ArrayList<>();
    List<Sample> alloc = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      String type = e.getEventType().getName();
      if (type.equals("jdk.ExecutionSample")) {
        cpu.add(Sample.of(e, e.getThread("sampledThread"), 1, null));
      } else if (type.equals("jdk.ObjectAllocationSample")) {
        RecordedThread t = e.getThread("eventThread");
        String cls = e.getClass("objectClass") != null ? e.getClass("objectClass").getName() : "?";
        alloc.add(Sample.of(e, t, e.getLong("weight"), cls));
      }
    }
    System.out.println("# " + args[0]);
    cpuReport("all threads", cpu, s -> true, top);
    cpuReport("benchmark threads (jmh-worker)", cpu, Sample::onWorker, top);
    cpuReport("Netty event loops (grpc-default-worker, client and server)", cpu, s -> s.thread.startsWith("grpc-default-worker") || s.thread.startsWith("grpc-nio-worker"), top);
    allocReport(alloc, top);
  }

  private static void cpuReport(String title, List<Sample> all, Predicate<Sample> which, int top) {
    List<Sample> s = all.stream().filter(which).toList();
    System.out.println();
    System.out.println("## CPU samples, " + title + ": " + s.size());
    if (s.isEmpty()) {
      return;
    }
    if (s.size() != all.size()) {
      System.out.printf("(%.1f%% of all %d samples)%n", 100.0 * s.size() / all.size(), all.size());
    } else {
      print("by thread", count(s, x -> Set.of(x.thread)), s.size(), top);
    }
    print("by Meshlet frame (inclusive, method:line)", count(s, Sample::meshletFrames), s.size(), top);
    print("by method (inclusive)", count(s, Sample::methods), s.size(), top);
    print("by leaf frame", count(s, x -> Set.of(x.leaf())), s.size(), top);
  }

  private static void allocReport(List<Sample> all, int top) {
    long total = all.stream().mapToLong(x -> x.weight).sum();
    System.out.println();
    System.out.println("## Allocation samples (weighted bytes), all threads: " + all.size() + " samples, " + total + " bytes");
    if (all.isEmpty()) {
      return;
    }
    print("by thread", weigh(all, x -> x.thread), total, top);
    print("by first Meshlet frame from the top (no-meshlet-frame: grpc, Netty, JDK only)", weigh(all, Sample::firstMeshletFrame), total, top);
    print("by allocation site (class @ top frame)", weigh(all, x -> x.cls + " @ " + x.leaf()), total, top);
    List<Sample> worker = all.stream().filter(Sample::onWorker).toList();
    long w = worker.stream().mapToLong(x -> x.weight).sum();
    System.out.println();
    System.out.println("## Allocation samples, benchmark threads (jmh-worker): " + worker.size() + " samples, " + w + " bytes");
    if (!worker.isEmpty()) {
      print("by first Meshlet frame from the top", weigh(worker, Sample::firstMeshletFrame), w, top);
      print("by allocation site (class @ top frame)", weigh(worker, x -> x.cls + " @ " + x.leaf()), w, top);
    }
  }

  private static Map<String, Long> count(List<Sample> samples, java.util.function.Function<Sample, Set<String>> keys) {
    Map<String, Long> n = new HashMap<>();
    for (Sample s : samples) {
      for (String k : keys.apply(s)) {
        n.merge(k, 1L, Long::sum);
      }
    }
    return n;
  }

  private static Map<String, Long> weigh(List<Sample> samples, java.util.function.Function<Sample, String> key) {
    Map<String, Long> n = new HashMap<>();
    for (Sample s : samples) {
      n.merge(key.apply(s), s.weight, Long::sum);
    }
    return n;
  }

  private static void print(String title, Map<String, Long> counts, long total, int top) {
    System.out.println("### " + title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(e -> System.out.printf("%6.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
  }

  /** One sample: its thread (digits folded to #), its stack top first, its weight. */
  private record Sample(String thread, List<RecordedFrame> frames, long weight, String cls) {
    static Sample of(RecordedEvent e, RecordedThread t, long weight, String cls) {
      String name = t == null ? "?" : t.getJavaName() != null ? t.getJavaName() : t.getOSName();
      RecordedStackTrace st = e.getStackTrace();
      List<RecordedFrame> frames = st == null ? List.of() : st.getFrames();
      return new Sample(name == null ? "?" : name.replaceAll("[0-9]+", "#"), frames, weight, cls);
    }

    boolean onWorker() {
      return thread.contains("jmh-worker");
    }

    String leaf() {
      return frames.isEmpty() ? "?" : method(frames.get(0));
    }

    Set<String> meshletFrames() {
      Set<String> k = new HashSet<>();
      for (RecordedFrame f : frames) {
        String m = method(f);
        if (m.startsWith(MESHLET) && !m.startsWith(PERF)) {
          k.add(m + ":" + f.getLineNumber());
        }
      }
      return k;
    }

    Set<String> methods() {
      Set<String> k = new HashSet<>();
      for (RecordedFrame f : frames) {
        k.add(method(f));
      }
      return k;
    }

    String firstMeshletFrame() {
      for (RecordedFrame f : frames) {
        String m = method(f);
        if (m.startsWith(MESHLET) && !m.startsWith(PERF)) {
          return m + ":" + f.getLineNumber();
        }
      }
      return "no-meshlet-frame";
    }

    private static String method(RecordedFrame f) {
      return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
  }
}
