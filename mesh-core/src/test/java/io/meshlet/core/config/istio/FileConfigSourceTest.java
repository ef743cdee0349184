package io.meshlet.core.config.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.model.MeshResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileConfigSourceTest {
  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path dir;

  /** A real scheduler that counts how many times a task has run. */
  private final AtomicInteger runs = new AtomicInteger();
  private ScheduledThreadPoolExecutor scheduler;
  private final RecordingSink sink = new RecordingSink();

  @BeforeEach
  void startScheduler() {
    scheduler = new ScheduledThreadPoolExecutor(1) {
      @Override
      protected void afterExecute(Runnable r, Throwable t) {
        runs.incrementAndGet();
      }
    };
    scheduler.setRemoveOnCancelPolicy(true);
  }

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  private static String dr(String name) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: %s}
        spec: {host: %s}
        """.formatted(name, name);
  }

  /** Replaces a file's content atomically, as editors and Kubernetes do, so no poll sees it half written. */
  private Path replace(Path file, String content) throws Exception {
    Path tmp = Files.writeString(dir.resolve(".tmp-" + file.getFileName()), content);
    return Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private FileConfigSource source(Path... paths) {
    return FileConfigSource.of(List.of(paths), "default", scheduler, POLL);
  }

  private static List<String> names(SourceUpdate u) {
    return u.config().all().stream().map(r -> r.id().name()).toList();
  }

  @Test
  void initialLoadIsDeliveredFromStart() throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), dr("reviews") + "---\n" + dr("ratings"));
    try (FileConfigSource source = source(file)) {
      assertThat(source.name()).isEqualTo("file:" + file);
      source.start(sink);

      assertThat(sink.updates).hasSize(1);
      SourceUpdate u = sink.updates.get(0);
      assertThat(u.source()).isEqualTo("file:" + file);
      assertThat(u.version()).matches("[0-9a-f]{12}");
      assertThat(u.problems()).isEmpty();
      assertThat(names(u)).containsExactly("reviews", "ratings");
      MeshResource r = u.config().destinationRules().get(0);
      assertThat(r.origin().source()).isEqualTo("file:" + file);
      assertThat(r.origin().location()).isEqualTo(file.toString());
    }
  }

  @Test
  void aChangeIsDetectedByPolling() throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), dr("reviews"));
    try (FileConfigSource source = source(file)) {
      source.start(sink);
      replace(file, dr("ratings"));

      await().atMost(Duration.ofSeconds(10)).until(() -> sink.updates.size() == 2);
      assertThat(names(sink.last())).containsExactly("ratings");
      assertThat(sink.last().version()).isNotEqualTo(sink.updates.get(0).version());
    }
  }

  @Test
  void aVersionIsSeenOnlyOnceDeliveredSoAnEditIsNeverDropped() throws Exception {
    // Issue 14: the version was marked seen before translation, so a failed delivery lost the edit.
    Path file = Files.writeString(dir.resolve("mesh.yaml"), dr("reviews"));
    AtomicInteger calls = new AtomicInteger();
    RecordingSink flaky = new RecordingSink() {
      @Override
      public void accept(SourceUpdate update) {
        if (calls.incrementAndGet() == 2) {
          throw new IllegalStateException("sink failed once");
        }
        super.accept(update);
      }
    };
    try (FileConfigSource source = source(file)) {
      source.start(flaky);
      replace(file, dr("ratings"));

      await().atMost(Duration.ofSeconds(10)).until(() -> flaky.updates.size() == 2);
      assertThat(names(flaky.last())).containsExactly("ratings");
      assertThat(calls.get()).isEqualTo(3);
    }
  }

  @Test
  void unchangedContentIsNotDeliveredAgain() throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), dr("reviews"));
    try (FileConfigSource source = source(file)) {
      source.start(sink);
      replace(file, dr("reviews"));
      int after = runs.get();

      await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= after + 3);
      assertThat(sink.updates).hasSize(1);
      assertThat(sink.failures).isEmpty();
    }
  }

  @Test
  void aDirectoryIsReadRecursivelyInNameOrderSkippingHiddenEntries() throws Exception {
    Files.writeString(dir.resolve("b.yaml"), dr("b"));
    Files.writeString(dir.resolve("a.yml"), dr("a"));
    Files.writeString(dir.resolve("notes.txt"), "not yaml");
    Files.writeString(dir.resolve(".hidden.yaml"), dr("hidden"));
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/c.yaml"), dr("c"));
    // A Kubernetes ConfigMap volume: visible symlinks into a hidden, atomically swapped directory.
    Path real = Files.createDirectories(dir.resolve("..2024_01_01"));
    Files.writeString(real.resolve("d.yaml"), dr("d"));
    Files.createSymbolicLink(dir.resolve("..data"), real.getFileName());
    Files.createSymbolicLink(dir.resolve("d.yaml"), Path.of("..data/d.yaml"));

    try (FileConfigSource source = source(dir)) {
      source.start(sink);
      assertThat(sink.updates).hasSize(1);
      assertThat(sink.last().problems()).isEmpty();
      assertThat(names(sink.last())).containsExactly("a", "b", "d", "c");
    }
  }

  @Test
  void problemsOfAllFilesComeInOneUpdateAndDuplicatesAcrossFilesAreErrors() throws Exception {
    Path a = Files.writeString(dir.resolve("a.yaml"), dr("reviews") + "---\n" + dr("x").replace("host: x", "hots: x"));
    Path b = Files.writeString(dir.resolve("b.yaml"), dr("reviews") + "---\n" + "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
    try (FileConfigSource source = source(dir)) {
      source.start(sink);
      assertThat(sink.last().problems()).extracting(ConfigProblem::toString).containsExactly(
          "DestinationRule x (" + a + "): host: missing (required)",
          "DestinationRule x (" + a + "): hots: unknown field (did you mean host?)",
          "Service s (" + b + "): kind Service (apiVersion v1) is not an Istio kind; ignored",
          "DestinationRule reviews (" + b + "): duplicate: DestinationRule default/reviews is also defined in " + a);
      assertThat(names(sink.last())).containsExactly("reviews");
    }
  }

  private static String breaker(String name, String spec) {
    return """
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: CircuitBreaker
        metadata: {name: %s}
        spec: %s
        """.formatted(name, spec);
  }

  @Test
  void meshletKindsAreDeliveredAndBreakersOfOneClusterConflictAcrossFiles() throws Exception {
    Path a = Files.writeString(dir.resolve("a.yaml"), breaker("all", "{host: reviews}") + "---\n" + """
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: RateLimit
        metadata: {name: reviews}
        spec: {host: reviews, limitForPeriod: 10}
        """);
    Path b = Files.writeString(dir.resolve("b.yaml"),
        breaker("v1", "{host: reviews, subsets: [v1]}") + "---\n" + breaker("ratings", "{host: ratings}"));
    try (FileConfigSource source = source(dir)) {
      source.start(sink);
      assertThat(sink.last().problems()).extracting(ConfigProblem::toString).containsExactly(
          "CircuitBreaker v1 (" + b + "): host: 'reviews.default.svc.cluster.local' subset v1 is already covered by "
              + "CircuitBreaker default/all in " + a + " (expected: one CircuitBreaker per cluster)");
      assertThat(sink.last().config().circuitBreakers()).extracting(c -> c.id().name()).containsExactly("all", "ratings");
      assertThat(sink.last().config().rateLimits()).extracting(c -> c.id().name()).containsExactly("reviews");
    }
  }

  @Test
  void aMissingFileFailsTheSourceUntilItAppears() throws Exception {
    Path file = dir.resolve("mesh.yaml");
    try (FileConfigSource source = source(file)) {
      source.start(sink);
      assertThat(sink.updates).isEmpty();
      assertThat(sink.failures).containsExactly("file:" + file + " | cannot read " + file + ": NoSuchFileException");

      replace(file, dr("reviews"));
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.updates.size() == 1);
      assertThat(names(sink.last())).containsExactly("reviews");
      assertThat(sink.failures).hasSize(1);
    }
  }

  @Test
  void aFileThatDisappearsFailsTheSourceAndComesBackWithTheSameContent() throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), dr("reviews"));
    try (FileConfigSource source = source(file)) {
      source.start(sink);
      Files.delete(file);
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.failures.size() == 1);

      replace(file, dr("reviews"));
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.updates.size() == 2);
      assertThat(sink.last().version()).isEqualTo(sink.updates.get(0).version());
    }
  }

  @Test
  void closeStopsPolling() throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), dr("reviews"));
    FileConfigSource source = source(file);
    source.start(sink);
    assertThat(scheduler.getQueue()).hasSize(1);
    source.close();
    assertThat(scheduler.getQueue()).isEmpty();
  }

  @Test
  void severalPathsMakeOneName() throws Exception {
    Path a = Files.writeString(dir.resolve("a.yaml"), dr("a"));
    Path b = Files.writeString(dir.resolve("b.yaml"), dr("b"));
    try (FileConfigSource source = source(b, a)) {
      assertThat(source.name()).isEqualTo("file:" + b + "," + a);
      source.start(sink);
      assertThat(names(sink.last())).containsExactly("b", "a");
    }
  }
}
