package io.meshlet.perf.xds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads by kind, from Linux's {@code /proc/self/task/<tid>/stat}: the
 * JIT compiler and GC threads too, which {@code ThreadMXBean} does not show. Thread names are the
 * kernel's (15 characters), digits folded, so "meshlet-xds-127" stands for every client executor.
 */
final class ThreadCpu {
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  /** Per thread id: its name and user+system ticks. */
  static Map<String, long[]> sample() {
    Map<String, long[]> out = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(task -> {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "N");
          String[] f = stat.substring(close + 2).split(" ");
          // after the name: state(0) ppid(1) ... utime(11) stime(12)
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          out.put(task.getFileName() + " " + name, new long[] {ticks});
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      });
    } catch (IOException e) {
      return Map.of(); // not Linux
    }
    return out;
  }

  /** CPU ms per push by thread kind between two samples, largest first. */
  static String perPush(Map<String, long[]> before, Map<String, long[]> after, int pushes) {
    Map<String, Long> byKind = new TreeMap<>();
    after.forEach((key, ticks) -> {
      long[] b = before.get(key);
      long delta = ticks[0] - (b == null ? 0 : b[0]);
      byKind.merge(key.substring(key.indexOf(' ') + 1), delta, Long::sum);
    });
    StringBuilder sb = new StringBuilder();
    byKind.entrySet().stream().filter(e -> e.getValue() > 0).sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
            .append(String.format(java.util.Locale.ROOT, "%.1f", e.getValue() * 1000.0 / TICKS_PER_SECOND / pushes)));
    return sb.toString();
  }

  private ThreadCpu() {}
}
