package io.meshlet.meshctl;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.config.istio.FileConfigSource;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.RouteDestination;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.ServicePort;
import io.meshlet.core.model.VirtualService;
import io.meshlet.core.snapshot.SourceStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Istio YAML read offline exactly as a mesh reads it: the files parsed by the mesh's own file
 * source (every error and warning with its path), then, when they parse, handed to a real {@link
 * Mesh} for one workload, whose runtime validates them together and compiles them (references that
 * point nowhere: a host no ServiceEntry knows, a subset no DestinationRule defines, a rule that
 * applies to nothing). Hosts known elsewhere (Consul, another cluster) can be named so they count
 * as known.
 */
final class OfflineConfig implements AutoCloseable {
  static final String SOURCE = "meshctl";
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final List<ConfigProblem> problems;
  private final @Nullable Mesh mesh;

  private OfflineConfig(List<ConfigProblem> problems, @Nullable Mesh mesh) {
    this.problems = problems;
    this.mesh = mesh;
  }

  /** The workload the config is compiled for (its namespace decides short names and {@code exportTo}). */
  record Workload(String name, String namespace, Map<String, String> labels) {}

  static OfflineConfig load(List<Path> paths, Workload workload, List<String> knownHosts) {
    SourceUpdate parsed = parse(paths, workload.namespace());
    Set<ConfigProblem> all = new LinkedHashSet<>(parsed.problems());
    if (!parsed.errors().isEmpty()) {
      return new OfflineConfig(List.copyOf(all), null);
    }
    List<MeshResource> resources = new ArrayList<>(parsed.config().all());
    resources.addAll(knownHostEntries(parsed.config(), knownHosts, workload.namespace()));
    MeshConfig config = MeshConfig.of(resources);
    Mesh mesh = Mesh.builder().workload(workload.name()).namespace(workload.namespace()).labels(workload.labels())
        .configSource(new Fixed(config)).startupTimeout(READ_TIMEOUT).awaitFirstConfig(false).build();
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (mesh.sources().stream().anyMatch(s -> s.state() == SourceStatus.State.WAITING) && System.nanoTime() < deadline) {
      sleep();
    }
    if (mesh.lastRejection().isPresent()) {
      all.addAll(mesh.lastRejection().get().errors());
      mesh.close();
      return new OfflineConfig(List.copyOf(all), null);
    }
    all.addAll(mesh.snapshot().warnings());
    return new OfflineConfig(List.copyOf(all), mesh);
  }

  /** One read of the files by the mesh's file source (no watching). */
  private static SourceUpdate parse(List<Path> paths, String namespace) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshctl-files");
      t.setDaemon(true);
      return t;
    });
    CompletableFuture<SourceUpdate> first = new CompletableFuture<>();
    try (FileConfigSource files = FileConfigSource.of(paths, namespace, executor, Duration.ofDays(1))) {
      files.start(new ConfigSink() {
        @Override
        public void accept(SourceUpdate update) {
          first.complete(update);
        }

        @Override
        public void sourceFailed(String source, String reason) {
          first.completeExceptionally(new IllegalArgumentException(reason));
        }
      });
      return first.get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalArgumentException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the files were not read within " + READ_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } finally {
      executor.shutdownNow();
    }
  }

  /**
   * A DNS ServiceEntry for each host known elsewhere, on every port the config's routes send it to
   * (80 when none does), so the compiler counts routes to it as resolvable.
   */
  private static List<ServiceEntry> knownHostEntries(MeshConfig config, List<String> hosts, String namespace) {
    List<ServiceEntry> out = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      Set<Integer> ports = new TreeSet<>();
      for (VirtualService vs : config.virtualServices()) {
        for (HttpRoute r : vs.http()) {
          for (RouteDestination d : r.destinations()) {
            if (d.destination().host().equals(host) && d.destination().port() > 0) {
              ports.add(d.destination().port());
            }
          }
        }
      }
      if (ports.isEmpty()) {
        ports.add(80);
      }
      List<ServicePort> servicePorts = ports.stream().map(p -> new ServicePort(p, "HTTP", "http-" + p, 0)).toList();
      out.add(new ServiceEntry(new ResourceId("ServiceEntry", namespace, "meshctl-known-host-" + i),
          new ResourceOrigin(SOURCE, "--known-host " + host), List.of(host), List.of(), servicePorts,
          ServiceEntry.Location.MESH_INTERNAL, ServiceEntry.Resolution.DNS, List.of(), List.of(), List.of()));
    }
    return out;
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  List<ConfigProblem> errors() {
    return ConfigProblem.errors(problems);
  }

  List<ConfigProblem> warnings() {
    return ConfigProblem.warnings(problems);
  }

  /** The mesh the config compiled into, for explain; null when the config has errors. */
  @Nullable Mesh mesh() {
    return mesh;
  }

  @Override
  public void close() {
    if (mesh != null) {
      mesh.close();
    }
  }

  /** The parsed config, delivered once. */
  private record Fixed(MeshConfig config) implements ConfigSource {
    @Override
    public String name() {
      return SOURCE;
    }

    @Override
    public void start(ConfigSink sink) {
      sink.accept(new SourceUpdate(SOURCE, "1", config, List.of()));
    }

    @Override
    public void close() {}
  }
}
