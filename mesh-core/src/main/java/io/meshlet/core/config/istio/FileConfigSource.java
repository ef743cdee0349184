package io.meshlet.core.config.istio;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.model.CircuitBreakerPolicy;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.ResourceId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Istio-format YAML files as a config source. Each path is a file, or a directory whose
 * {@code *.yaml}/{@code *.yml} files are read recursively in name order (hidden entries skipped, so a
 * mounted Kubernetes ConfigMap works). The first update is delivered from {@link #start} itself;
 * afterwards the files are polled and a new update is delivered only when their content changed. The
 * version of an update is the start of a SHA-256 over all file contents. Replace files atomically
 * (write elsewhere, then rename, as editors and Kubernetes do): a file caught half written is
 * delivered as it is, and the next poll corrects it.
 *
 * <pre>{@code
 * FileConfigSource source = FileConfigSource.of(List.of(Path.of("/etc/mesh")), "default", scheduler, Duration.ofSeconds(5));
 * }</pre>
 */
public final class FileConfigSource implements ConfigSource {
  private static final Logger logger = LoggerFactory.getLogger(FileConfigSource.class);

  private final List<Path> paths;
  private final String defaultNamespace;
  private final ScheduledExecutorService scheduler;
  private final Duration pollInterval;
  private final String name;

  private final Object lock = new Object();
  private @Nullable ConfigSink sink;
  private @Nullable ScheduledFuture<?> polling;
  private @Nullable String lastVersion;
  private @Nullable String lastFailure;
  private boolean closed;

  private FileConfigSource(List<Path> paths, String defaultNamespace, ScheduledExecutorService scheduler, Duration pollInterval) {
    this.paths = List.copyOf(paths);
    this.defaultNamespace = requireNonNull(defaultNamespace, "defaultNamespace");
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.pollInterval = requireNonNull(pollInterval, "pollInterval");
    if (this.paths.isEmpty()) {
      throw new IllegalArgumentException("paths: empty (expected: at least one file or directory)");
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: > 0)");
    }
    this.name = "file:" + this.paths.stream().map(Path::toString).collect(Collectors.joining(","));
  }

  /**
   * A source for {@code paths} (files or directories).
   *
   * @param defaultNamespace the namespace of resources that do not name one
   * @param scheduler runs the polling; not shut down by {@link #close()}
   * @param pollInterval how often the files are read again
   */
  public static FileConfigSource of(
      List<Path> paths, String defaultNamespace, ScheduledExecutorService scheduler, Duration pollInterval) {
    requireNonNull(paths, "paths");
    return new FileConfigSource(paths, defaultNamespace, scheduler, pollInterval);
  }

  @Override
  public String name() {
    return name;
  }

  /** Reads the files, delivers the first update (or failure) to {@code sink}, then starts polling. */
  @Override
  public void start(ConfigSink sink) {
    requireNonNull(sink, "sink");
    synchronized (lock) {
      if (this.sink != null) {
        throw new IllegalStateException(name + " is already started");
      }
      if (closed) {
        throw new IllegalStateException(name + " is closed");
      }
      this.sink = sink;
      poll();
      long nanos = pollInterval.toNanos();
      polling = scheduler.scheduleWithFixedDelay(this::pollSafely, nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void pollSafely() {
    try {
      synchronized (lock) {
        if (!closed) {
          poll();
        }
      }
    } catch (RuntimeException | Error e) {
      logger.warn("{}: polling failed", name, e);
    }
  }

  /** Reads everything; delivers an update if the content changed, a failure if it cannot be read. */
  private void poll() {
    ConfigSink target = requireNonNull(sink, "sink");
    List<ConfigFiles.FileText> files;
    try {
      files = ConfigFiles.read(paths);
    } catch (ConfigFiles.ReadFailure e) {
      lastVersion = null;
      if (!e.getMessage().equals(lastFailure)) {
        lastFailure = e.getMessage();
        target.sourceFailed(name, e.getMessage());
      }
      return;
    }
    lastFailure = null;
    String version = ConfigFiles.version(files);
    if (version.equals(lastVersion)) {
      return;
    }
    // Seen only once translated (accepted or rejected by the sink): an edit is never dropped unread.
    target.accept(translateSafely(files, version));
    lastVersion = version;
  }

  /** {@link #translate}; anything it throws is a problem of the update, which is then rejected whole. */
  private SourceUpdate translateSafely(List<ConfigFiles.FileText> files, String version) {
    try {
      return translate(files, version);
    } catch (Throwable e) {
      logger.warn("{}: translating version {} failed", name, version, e);
      return new SourceUpdate(name, version, MeshConfig.EMPTY,
          List.of(ConfigProblem.error(null, null, name, "", "cannot be translated: " + e)));
    }
  }

  private SourceUpdate translate(List<ConfigFiles.FileText> files, String version) {
    List<MeshResource> resources = new ArrayList<>();
    List<CircuitBreakerPolicy> circuitBreakers = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    Map<ResourceId, String> seen = new HashMap<>();
    for (ConfigFiles.FileText f : files) {
      String location = f.path().toString();
      IstioYaml.ParseResult result = IstioYaml.parse(name, location, f.text(), defaultNamespace);
      problems.addAll(result.problems());
      for (MeshResource r : result.config().all()) {
        String other = seen.putIfAbsent(r.id(), location);
        if (other != null) {
          problems.add(ConfigProblem.error(
              r.id(), location, "", "duplicate: " + r.id() + " is also defined in " + other));
          continue;
        }
        if (r instanceof CircuitBreakerPolicy cb) {
          String conflict = breakerConflict(cb, circuitBreakers, seen);
          if (conflict != null) {
            problems.add(ConfigProblem.error(r.id(), location, "host", conflict));
            continue;
          }
          circuitBreakers.add(cb);
        }
        resources.add(r);
      }
    }
    return new SourceUpdate(name, version, MeshConfig.of(resources), problems);
  }

  /** A breaker of an earlier file covering a cluster {@code cb} covers too (one file's own are checked by IstioYaml). */
  private static @Nullable String breakerConflict(
      CircuitBreakerPolicy cb, List<CircuitBreakerPolicy> earlier, Map<ResourceId, String> locations) {
    for (CircuitBreakerPolicy e : earlier) {
      String conflict = CircuitBreakerParser.conflict(cb, e, " in " + locations.get(e.id()));
      if (conflict != null) {
        return conflict;
      }
    }
    return null;
  }

  /** Stops polling. The scheduler itself belongs to the caller. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (polling != null) {
        polling.cancel(false);
        polling = null;
      }
    }
  }

  @Override
  public String toString() {
    return "FileConfigSource[" + name + "]";
  }
}
