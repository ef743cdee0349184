package io.meshlet.core;

import static io.meshlet.core.MeshTesting.get;
import static io.meshlet.core.MeshTesting.mesh;
import static io.meshlet.core.MeshTesting.route;
import static io.meshlet.core.MeshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.snapshot.MeshSnapshot;
import io.meshlet.core.snapshot.Rejection;
import io.meshlet.core.snapshot.SourceStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshTest {
  @TempDir Path dir;

  @Test
  void startsOnAValidFileAndRecordsWhereEachResourceCameFrom() {
    Path file = write(dir.resolve("mesh.yaml"), BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    try (Mesh mesh = mesh(file).build()) {
      MeshSnapshot snapshot = mesh.snapshot();
      assertThat(snapshot.version()).isEqualTo(1);
      assertThat(snapshot.config().size()).isEqualTo(3);
      assertThat(snapshot.origin(new ResourceId("VirtualService", "default", "reviews")))
          .hasValueSatisfying(o -> assertThat(o.location()).endsWith("mesh.yaml"));
      assertThat(mesh.sources()).singleElement().satisfies(s -> assertThat(s.state()).isEqualTo(SourceStatus.State.ACTIVE));
      assertThat(mesh.lastRejection()).isEmpty();
      assertThat(mesh.routeTable().version()).isEqualTo(1);
    }
  }

  @Test
  void anInvalidFirstConfigFailsStartupWithTheFieldPath() {
    Path file = write(dir.resolve("mesh.yaml"),
        BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3").replace("weight: 80", "weight: -5"));
    assertThatThrownBy(() -> mesh(file).build())
        .isInstanceOf(MeshStartupException.class)
        .hasMessageContaining("VirtualService reviews (")
        .hasMessageContaining("http[1].route[0].weight: -5 (expected: 0..100)");
  }

  @Test
  void withoutAwaitingTheFirstConfigBuildReturnsAndTheMeshTurnsReadyWhenAValidOneArrives() {
    Path file = write(dir.resolve("mesh.yaml"),
        BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3").replace("weight: 80", "weight: -5"));
    try (Mesh mesh = mesh(file).awaitFirstConfig(false).build()) {
      await().until(() -> mesh.lastRejection().isPresent());
      assertThat(mesh.hasFirstConfig()).isFalse();
      assertThat(mesh.snapshot().version()).isZero();
      assertThat(mesh.lastRejection().orElseThrow().errors())
          .anySatisfy(e -> assertThat(e.toString()).contains("http[1].route[0].weight: -5 (expected: 0..100)"));

      write(file, BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3"));
      await().until(mesh::hasFirstConfig);
      assertThat(mesh.snapshot().version()).isEqualTo(1);
      assertThat(mesh.sources()).singleElement().satisfies(s -> assertThat(s.state()).isEqualTo(SourceStatus.State.ACTIVE));
    }
  }

  @Test
  void aMeshThatWaitedForItsConfigHasIt() {
    Path file = write(dir.resolve("mesh.yaml"), BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    try (Mesh mesh = mesh(file).build()) {
      assertThat(mesh.hasFirstConfig()).isTrue();
    }
  }

  @Test
  void aMissingFileFailsStartupSayingWhichFile() {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> mesh(missing).startupTimeout(Duration.ofSeconds(5)).build())
        .isInstanceOf(MeshStartupException.class)
        .hasMessageContaining("nope.yaml");
  }

  @Test
  void aValidEditIsAppliedAndAnInvalidOneIsRejectedWithTheLastGoodKept() {
    Path file = write(dir.resolve("mesh.yaml"), BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    List<Rejection> rejections = new CopyOnWriteArrayList<>();
    try (Mesh mesh = mesh(file).pollInterval(Duration.ofMillis(50)).build()) {
      mesh.addListener(new MeshListener() {
        @Override
        public void onRejection(Rejection rejection) {
          rejections.add(rejection);
        }
      });
      assertThat(route(mesh, get("http://reviews:9080/", "end-user", "jason")).address()).isEqualTo("10.0.0.2");

      // Valid edit: jason now goes to v3.
      write(file, BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3").replace("subset: v2}", "subset: v3}"));
      await().atMost(Duration.ofSeconds(10)).until(() -> mesh.snapshot().version() == 2);
      assertThat(route(mesh, get("http://reviews:9080/", "end-user", "jason")).address()).isEqualTo("10.0.0.3");

      // Invalid edit: two errors, rejected whole; version 2 stays in force.
      write(file, BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3")
          .replace("weight: 80", "weight: 180").replace("exact: jason", "exactly: jason"));
      await().atMost(Duration.ofSeconds(10)).until(() -> mesh.lastRejection().isPresent());
      Rejection rejection = mesh.lastRejection().orElseThrow();
      assertThat(rejection.errors()).extracting(ConfigProblem::toString).anySatisfy(
          m -> assertThat(m).contains("http[1].route[0].weight: 180 (expected: 0..100)"));
      assertThat(rejection.errors()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(rejection.keptVersion()).isEqualTo(2);
      assertThat(rejections).containsExactly(rejection);
      assertThat(mesh.snapshot().version()).isEqualTo(2);
      assertThat(mesh.sources().get(0).state()).isEqualTo(SourceStatus.State.REJECTED);
      assertThat(route(mesh, get("http://reviews:9080/", "end-user", "jason")).address()).isEqualTo("10.0.0.3");
    }
  }

  @Test
  void endpointsAndUnchangedClustersSurviveAConfigPush() {
    Path file = write(dir.resolve("mesh.yaml"), BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    try (Mesh mesh = mesh(file).pollInterval(Duration.ofMillis(50)).build()) {
      Endpoint before = mesh.routeTable().cluster("outbound|9080|v1|reviews.default.svc.cluster.local").endpoints().get(0);
      var clusterV2 = mesh.routeTable().cluster("outbound|9080|v2|reviews.default.svc.cluster.local");
      write(file, BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.9"));
      await().atMost(Duration.ofSeconds(10)).until(() -> mesh.snapshot().version() == 2);
      assertThat(mesh.routeTable().cluster("outbound|9080|v1|reviews.default.svc.cluster.local").endpoints().get(0)).isSameAs(before);
      assertThat(mesh.routeTable().cluster("outbound|9080|v2|reviews.default.svc.cluster.local")).isSameAs(clusterV2);
      assertThat(mesh.routeTable().cluster("outbound|9080|v3|reviews.default.svc.cluster.local").endpoints())
          .extracting(Endpoint::address).containsExactly("10.0.0.9");
    }
  }

  @Test
  void theSameResourceFromTwoSourcesIsRejected() {
    Path file = write(dir.resolve("mesh.yaml"), BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    ConfigSource second = new StaticSource("test", BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    assertThatThrownBy(() -> mesh(file).configSource(second).build())
        .isInstanceOf(MeshStartupException.class)
        .hasMessageContaining("ServiceEntry reviews (inline.yaml): also defined in " + file + " by source file:");
  }

  @Test
  void resourcesFromSeveralSourcesMerge() {
    String all = BookinfoYaml.reviews("10.0.0.1", "10.0.0.2", "10.0.0.3");
    int vsStart = all.lastIndexOf("apiVersion");
    Path file = write(dir.resolve("mesh.yaml"), all.substring(0, vsStart));
    try (Mesh mesh = mesh(file).configSource(new StaticSource("test", all.substring(vsStart))).build()) {
      assertThat(mesh.snapshot().config().size()).isEqualTo(3);
      assertThat(mesh.snapshot().origin(new ResourceId("VirtualService", "default", "reviews")))
          .hasValueSatisfying(o -> assertThat(o.source()).isEqualTo("test"));
      assertThat(route(mesh, get("http://reviews:9080/", "end-user", "jason")).address()).isEqualTo("10.0.0.2");
    }
  }

  @Test
  void xdsWithoutTheXdsModuleSaysWhichDependencyIsMissing() {
    assertThatThrownBy(() -> Mesh.builder().workload("productpage").xdsBootstrap(dir.resolve("bootstrap.json")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("xds: no config source of this kind on the classpath (expected: io.meshlet:mesh-xds-client as a dependency)");
  }

  @Test
  void workloadIsRequired() {
    assertThatThrownBy(() -> Mesh.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("workload");
  }

  /** A source that delivers one fixed YAML text. */
  static final class StaticSource implements ConfigSource {
    private final String name;
    private final String yaml;
    final List<ConfigSink> sinks = new ArrayList<>();

    StaticSource(String name, String yaml) {
      this.name = name;
      this.yaml = yaml;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void start(ConfigSink sink) {
      sinks.add(sink);
      IstioYaml.ParseResult parsed = IstioYaml.parse(name, "inline.yaml", yaml, "default");
      sink.accept(new SourceUpdate(name, "1", parsed.config(), parsed.problems()));
    }

    @Override
    public void close() {}
  }
}
