package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.xds.XdsConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node groups whose resources come out equal share one snapshot object, so java-control-plane packs
 * each resource once for all of their streams; a group whose resources differ gets its own.
 */
class SharedSnapshotTest {
  @TempDir Path dir;
  MeshControlPlane cp;
  final List<XdsConfigSource> sources = new ArrayList<>();

  static final NodeKey PRODUCTPAGE = new NodeKey("default", Map.of("app", "productpage"));
  static final NodeKey DETAILS = new NodeKey("default", Map.of("app", "details"));
  static final NodeKey OTHER = new NodeKey("other", Map.of("app", "productpage"));

  @AfterEach
  void stop() {
    sources.forEach(XdsConfigSource::close);
    if (cp != null) {
      cp.close();
    }
  }

  @Test
  void groupsWithEqualResourcesShareOneSnapshotAndAGroupThatDiffersGetsItsOwn() throws Exception {
    Path config = Files.createDirectory(dir.resolve("config"));
    write(config, Bookinfo.yaml("v2"));
    cp = MeshControlPlane.builder().configDir(config).port(0).pollInterval(Duration.ofMillis(50)).build().start();
    List<SourceUpdate> updates = new CopyOnWriteArrayList<>();
    for (NodeKey key : List.of(PRODUCTPAGE, DETAILS, OTHER)) {
      connect(key, updates);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> updates.size() >= 3);
    assertThat(snapshot(DETAILS)).as("registered at the same version, same content").isSameAs(snapshot(PRODUCTPAGE));

    // reviews' VirtualService visible in its own namespace only: "other" now gets different routes.
    long before = cp.version();
    write(config, Bookinfo.yaml("v2").replace("""
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
        """, """
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          exportTo: ["."]
        """));
    await().atMost(Duration.ofSeconds(5)).until(() -> cp.version() > before);

    Snapshot shared = snapshot(PRODUCTPAGE);
    assertThat(snapshot(DETAILS)).isSameAs(shared);
    assertThat(snapshot(OTHER)).isNotSameAs(shared);
    assertThat(snapshot(OTHER).routes().resources()).isNotEqualTo(shared.routes().resources());
    assertThat(snapshot(OTHER).routes().version()).as("versions follow content").isNotEqualTo(shared.routes().version());
    assertThat(snapshot(OTHER).clusters().version()).isEqualTo(shared.clusters().version());
  }

  @Test
  void aChangeOfRoutesOnlyGivesOnlyTheRoutesANewVersion() throws Exception {
    Path config = Files.createDirectory(dir.resolve("config"));
    write(config, Bookinfo.yaml("v2"));
    cp = MeshControlPlane.builder().configDir(config).port(0).pollInterval(Duration.ofMillis(50)).build().start();
    List<SourceUpdate> updates = new CopyOnWriteArrayList<>();
    connect(PRODUCTPAGE, updates);
    await().atMost(Duration.ofSeconds(20)).until(() -> !updates.isEmpty());
    Snapshot first = snapshot(PRODUCTPAGE);
    Object firstRoutes = updates.get(updates.size() - 1).config().virtualServices();

    long before = cp.version();
    write(config, Bookinfo.yaml("v3"));
    await().atMost(Duration.ofSeconds(5)).until(() -> cp.version() > before);
    Snapshot second = snapshot(PRODUCTPAGE);
    assertThat(second.routes().version()).isNotEqualTo(first.routes().version());
    assertThat(second.clusters().version()).isEqualTo(first.clusters().version());
    assertThat(second.endpoints().version()).isEqualTo(first.endpoints().version());
    assertThat(second.listeners().version()).isEqualTo(first.listeners().version());
    // The client still gets the new routes, with the clusters it already has.
    await().atMost(Duration.ofSeconds(5)).until(() -> !updates.get(updates.size() - 1).config().virtualServices()
        .equals(firstRoutes));

    // An edit that changes nothing this group receives sends it nothing new.
    long again = cp.version();
    write(config, Bookinfo.yaml("v3") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: hidden, namespace: other}
        spec:
          hosts: [hidden.example.com]
          exportTo: ["."]
          ports: [{number: 80, name: http, protocol: HTTP}]
          resolution: STATIC
          endpoints: [{address: 10.1.1.1}]
        """);
    await().atMost(Duration.ofSeconds(5)).until(() -> cp.version() > again);
    Snapshot third = snapshot(PRODUCTPAGE);
    for (String type : List.of("routes", "clusters", "endpoints", "listeners")) {
      assertThat(version(third, type)).as(type).isEqualTo(version(second, type));
    }
  }

  private static String version(Snapshot s, String type) {
    return switch (type) {
      case "routes" -> s.routes().version();
      case "clusters" -> s.clusters().version();
      case "endpoints" -> s.endpoints().version();
      default -> s.listeners().version();
    };
  }

  private Snapshot snapshot(NodeKey key) {
    return cp.snapshot(key).orElseThrow();
  }

  private void connect(NodeKey key, List<SourceUpdate> updates) {
    XdsConfigSource source = XdsConfigSource.builder().target("127.0.0.1:" + cp.port())
        .nodeId("sidecar~10.0.0.9~" + key.labels().get("app") + "." + key.namespace() + "~" + key.namespace() + ".svc.cluster.local")
        .namespace(key.namespace()).labels(key.labels()).build();
    source.start(new ConfigSink() {
      @Override
      public void accept(SourceUpdate update) {
        updates.add(update);
      }

      @Override
      public void sourceFailed(String name, String reason) {}
    });
    sources.add(source);
  }

  private void write(Path config, String yaml) throws Exception {
    Path tmp = dir.resolve("bookinfo.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, config.resolve("bookinfo.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
