package io.meshlet.core;

import static io.meshlet.core.MeshTesting.mesh;
import static io.meshlet.core.MeshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.internal.MeshRuntime;
import io.meshlet.core.model.CircuitBreakerPolicy;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.Workload;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.snapshot.Rejection;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, the runtime's guard: an update that the compiler cannot compile (here a breaker setting
 * Resilience4j refuses, built past the YAML validation) is rejected naming its resource, the last
 * good config stays, and the control thread goes on to accept the next update.
 */
class MeshBadInputTest {
  @TempDir Path dir;

  @Test
  void aCompileFailureRejectsTheUpdateNamingTheResourceAndTheLastGoodStays() {
    Path file = write(dir.resolve("mesh.yaml"), BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    PushSource push = new PushSource("push", MeshConfig.EMPTY, List.of());
    try (Mesh mesh = mesh(file).configSource(push).build()) {
      long good = mesh.snapshot().version();
      CircuitBreakerPolicy bad = new CircuitBreakerPolicy(new ResourceId("CircuitBreaker", "default", "reviews"),
          new ResourceOrigin("push", "pushed.yaml"), "reviews.default.svc.cluster.local", List.of(), 50f, 100f,
          Duration.ofSeconds(60), 20, CircuitBreakerPolicy.SlidingWindowType.COUNT_BASED, 100,
          Duration.ofNanos(1_000), 5, List.of(), List.of());
      push.push("2", MeshConfig.of(List.of(bad)), List.of());

      await().atMost(Duration.ofSeconds(10)).until(() -> mesh.lastRejection().isPresent());
      Rejection r = mesh.lastRejection().orElseThrow();
      assertThat(r.errors()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo("CircuitBreaker");
        assertThat(p.name()).isEqualTo("reviews");
        assertThat(p.location()).isEqualTo("pushed.yaml");
        assertThat(p.message()).startsWith("cannot be compiled (cluster outbound|9080||reviews.default.svc.cluster.local): "
            + "java.lang.IllegalArgumentException: waitDurationInOpenState must be at least 1[ms]");
      });
      assertThat(mesh.snapshot().version()).isEqualTo(good);

      push.push("3", MeshConfig.EMPTY, List.of());
      await().atMost(Duration.ofSeconds(10)).until(() -> mesh.snapshot().version() > good);
    }
  }

  @Test
  void anErrorWhileCompilingRejectsTheUpdateAndTheControlThreadLivesOn() throws Exception {
    // A clock that overflows the stack when asked, as a TIME_BASED breaker's window asks it when built.
    AtomicBoolean explode = new AtomicBoolean();
    MeshTime time = new MeshTime() {
      @Override
      public long nanoTime() {
        if (explode.get()) {
          throw new StackOverflowError("test");
        }
        return System.nanoTime();
      }

      @Override
      public void sleep(Duration duration) {}
    };
    IstioYaml.ParseResult withBreaker = IstioYaml.parse("push", "pushed.yaml", BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3")
        + "---\napiVersion: resilience.meshlet.io/v1alpha1\nkind: CircuitBreaker\nmetadata: {name: reviews}\n"
        + "spec: {host: reviews, slidingWindow: {type: TIME_BASED, size: 10}}\n", "default");
    assertThat(withBreaker.errors()).isEmpty();
    ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    PushSource push = new PushSource("push", MeshConfig.EMPTY, List.of());
    Workload workload = new Workload("productpage", "default", Map.of(), "10.0.0.7");
    try (MeshRuntime runtime = new MeshRuntime(workload, List.of(push), control, Clock.systemUTC(), time)) {
      runtime.start(Duration.ofSeconds(10));
      long good = runtime.state().snapshot().version();
      explode.set(true);
      push.push("2", withBreaker.config(), withBreaker.problems());
      control.submit(() -> { }).get();
      assertThat(runtime.state().snapshot().version()).isEqualTo(good);
      Rejection r = runtime.lastRejection();
      assertThat(r).isNotNull();
      assertThat(r.errors()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo("CircuitBreaker");
        assertThat(p.message()).contains("java.lang.StackOverflowError: test");
      });

      explode.set(false);
      push.push("3", withBreaker.config(), withBreaker.problems());
      control.submit(() -> { }).get();
      assertThat(runtime.state().snapshot().version()).as("the control thread survived").isGreaterThan(good);
    } finally {
      control.shutdownNow();
    }
  }
}
