package io.meshlet.perf.xds;

import io.meshlet.core.Mesh;
import io.meshlet.core.MeshListener;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.snapshot.MeshSnapshot;
import io.meshlet.core.snapshot.SourceStatus;
import io.meshlet.xds.XdsConfigSource;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A group of xDS clients in one JVM, each reporting the moment it has applied a push. Also the main
 * class of the child JVMs when clients are spread over processes: it then reports on stdout
 * ({@code ready}, then {@code A <client> <push> <nanoTime>} lines; {@code System.nanoTime} is
 * CLOCK_MONOTONIC on Linux, one clock for every process of the machine).
 */
final class PushClients implements AutoCloseable {
  /** Where "applied" is stamped. */
  enum Applied {
    /** The xDS source hands its translated update to the mesh ({@code ConfigSink.accept}). */
    SOURCE,
    /** A real {@link Mesh} has compiled and published the snapshot holding the update ({@code MeshListener.onSnapshot}). */
    MESH
  }

  interface Reporter {
    void arrived(int client, int push, long nanos);
  }

  private final List<AutoCloseable> closeables = new ArrayList<>();
  /** Updates handed on (source) or published (mesh) by the clients of this JVM, partial ones too. */
  static final java.util.concurrent.atomic.AtomicLong HANDED_ON = new java.util.concurrent.atomic.AtomicLong();

  /** Starts {@code count} clients numbered from {@code first}; returns once every one has the config of push 0. */
  static PushClients start(String target, int first, int count, PushSnapshots.Types types, Applied applied, Reporter reporter)
      throws InterruptedException {
    PushClients group = new PushClients();
    CountDownLatch connected = new CountDownLatch(count);
    // The highest push each client has applied, so that each push is stamped once, when first complete.
    AtomicIntegerArray applies = new AtomicIntegerArray(count);
    for (int i = 0; i < count; i++) {
      int id = first + i;
      int slot = i;
      XdsConfigSource source = XdsConfigSource.builder().target(target).nodeId("client-" + id).namespace("default").build();
      Stamp stamp = version -> {
        long now = System.nanoTime();
        HANDED_ON.incrementAndGet();
        int push = pushOf(version);
        if (push < 0 || !version.equals(PushSnapshots.expectedVersion(types, push))) {
          return; // part of a push only
        }
        if (push == 0) {
          if (applies.compareAndSet(slot, 0, -1)) {
            connected.countDown();
          }
        } else if (applies.getAndAccumulate(slot, push, Math::max) < push) {
          reporter.arrived(id, push, now);
        }
      };
      if (applied == Applied.SOURCE) {
        source.start(new ConfigSink() {
          @Override
          public void accept(SourceUpdate update) {
            stamp.version(update.version());
          }

          @Override
          public void sourceFailed(String name, String reason) {}
        });
        group.closeables.add(source);
      } else {
        Mesh mesh = Mesh.builder().workload("client-" + id).namespace("default").configSource(source)
            .startupTimeout(Duration.ofSeconds(60)).build();
        MeshListener listener = new MeshListener() {
          @Override
          public void onSnapshot(MeshSnapshot snapshot) {
            for (SourceStatus s : snapshot.sources()) {
              if (s.name().equals(source.name()) && s.version() != null) {
                stamp.version(s.version());
              }
            }
          }
        };
        mesh.addListener(listener);
        listener.onSnapshot(mesh.snapshot());
        group.closeables.add(mesh);
      }
    }
    if (!connected.await(60, TimeUnit.SECONDS)) {
      group.close();
      throw new IllegalStateException("not every client connected: " + connected.getCount() + " missing");
    }
    return group;
  }

  private interface Stamp {
    void version(String version);
  }

  /** The push number of an xDS source version ({@code ...,rds=<push>,...}), or -1. */
  static int pushOf(String version) {
    int at = version.indexOf("rds=");
    if (at < 0) {
      return -1;
    }
    int n = 0;
    int i = at + 4;
    for (; i < version.length() && Character.isDigit(version.charAt(i)); i++) {
      n = n * 10 + (version.charAt(i) - '0');
    }
    return i == at + 4 ? -1 : n;
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // closing a benchmark client: nothing to do
      }
    }
  }

  /** Child JVM: {@code target first count types applied}; runs until stdin closes. */
  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    Reporter reporter = (client, push, nanos) -> {
      synchronized (out) {
        out.printf(Locale.ROOT, "A %d %d %d%n", client, push, nanos);
        out.flush();
      }
    };
    try (PushClients group = start(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]),
        PushSnapshots.Types.valueOf(args[3]), Applied.valueOf(args[4]), reporter)) {
      synchronized (out) {
        out.println("ready");
        out.flush();
      }
      while (System.in.read() >= 0) {
        // the parent closes stdin when the run is over
      }
    }
  }

  private PushClients() {}
}
