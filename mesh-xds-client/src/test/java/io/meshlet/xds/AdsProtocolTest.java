package io.meshlet.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.ServicePort;
import io.meshlet.xds.translate.Translation;
import io.meshlet.xds.translate.XdsResources;
import io.meshlet.xds.translate.XdsTranslator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ADS protocol against java-control-plane's real server: ACK with version and nonce, NACK with
 * the bad resource in error_detail and the old config kept, RDS/EDS subscriptions following the
 * accepted listeners and clusters, does-not-exist, and reconnecting to a restarted control plane.
 * The translation is replaced by a small fake here (one ServiceEntry per cluster; a cluster named
 * "bad-..." cannot be translated) so that these tests are about the transport only.
 */
class AdsProtocolTest {
  ControlPlane cp;
  XdsConfigSource source;
  final List<SourceUpdate> updates = new CopyOnWriteArrayList<>();
  final List<String> failures = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    cp = new ControlPlane().start(0);
  }

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    cp.close();
  }

  @Test
  void acksWithVersionAndNonceAndFollowsNewSnapshots() {
    cp.serve("1", List.of(listener("reviews:9080")), List.of(route("route-reviews:9080")), List.of(cluster("c1")),
        List.of(endpoints("c1")));
    connect(Duration.ofSeconds(15));
    await().atMost(Duration.ofSeconds(10)).until(() -> !updates.isEmpty());
    assertThat(clusters(last())).containsExactly("c1");
    assertThat(last().version()).isEqualTo("lds=1,cds=1,rds=1,eds=1");

    DiscoveryRequest ack = cp.requests(XdsType.CDS).get(1);
    assertThat(ack.getVersionInfo()).isEqualTo("1");
    assertThat(ack.getResponseNonce()).isNotEmpty();
    assertThat(ack.hasErrorDetail()).isFalse();
    assertThat(cp.requests(XdsType.RDS).get(0).getResourceNamesList()).containsExactly("route-reviews:9080");
    assertThat(cp.requests(XdsType.EDS).get(0).getResourceNamesList()).containsExactly("c1");
    assertThat(cp.requests.get(0).hasNode()).as("the node goes on the first request").isTrue();
    assertThat(source.resourceStatuses()).extracting(XdsResourceStatus::state).containsOnly(XdsResourceStatus.State.ACKED);

    cp.serve("2", List.of(listener("reviews:9080")), List.of(route("route-reviews:9080")),
        List.of(cluster("c1"), cluster("c2")), List.of(endpoints("c1"), endpoints("c2")));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters(last()).size() == 2);
    assertThat(last().version()).isEqualTo("lds=2,cds=2,rds=2,eds=2");
  }

  @Test
  void aBadResourceIsNackedWithItsNameAndTheOldConfigStays() {
    cp.serve("1", List.of(), List.of(), List.of(cluster("c1")), List.of(endpoints("c1")));
    connect(Duration.ofSeconds(15));
    await().atMost(Duration.ofSeconds(10)).until(() -> !updates.isEmpty());

    cp.serve("2", List.of(), List.of(), List.of(cluster("c1"), cluster("bad-one")), List.of(endpoints("c1"), endpoints("bad-one")));
    await().atMost(Duration.ofSeconds(10)).until(() -> cp.requests(XdsType.CDS).stream().anyMatch(DiscoveryRequest::hasErrorDetail));
    DiscoveryRequest nack = cp.requests(XdsType.CDS).stream().filter(DiscoveryRequest::hasErrorDetail).findFirst().orElseThrow();
    assertThat(nack.getVersionInfo()).as("a NACK carries the last accepted version").isEqualTo("1");
    assertThat(nack.getErrorDetail().getMessage()).contains("bad-one").contains("cannot be translated");
    assertThat(clusters(last())).containsExactly("c1");
    assertThat(source.resourceStatuses()).anySatisfy(s -> {
      assertThat(s.name()).isEqualTo("bad-one");
      assertThat(s.state()).isEqualTo(XdsResourceStatus.State.NACKED);
    });
  }

  @Test
  void aTranslationThatThrowsEvenAnErrorIsNackedAndTheStreamGoesOn() {
    // Issue 14: an exception escaping onResources left the response neither ACKed nor NACKed.
    cp.serve("1", List.of(), List.of(), List.of(cluster("c1")), List.of(endpoints("c1")));
    connect(Duration.ofSeconds(15));
    await().atMost(Duration.ofSeconds(10)).until(() -> !updates.isEmpty());

    cp.serve("2", List.of(), List.of(), List.of(cluster("c1"), cluster("crash-one")), List.of(endpoints("c1"), endpoints("crash-one")));
    await().atMost(Duration.ofSeconds(10)).until(() -> cp.requests(XdsType.CDS).stream().anyMatch(DiscoveryRequest::hasErrorDetail));
    DiscoveryRequest nack = cp.requests(XdsType.CDS).stream().filter(DiscoveryRequest::hasErrorDetail).findFirst().orElseThrow();
    assertThat(nack.getVersionInfo()).isEqualTo("1");
    assertThat(nack.getErrorDetail().getMessage()).contains("cannot be applied: java.lang.StackOverflowError: crash-one");
    assertThat(clusters(last())).containsExactly("c1");

    cp.serve("3", List.of(), List.of(), List.of(cluster("c1"), cluster("c2")), List.of(endpoints("c1"), endpoints("c2")));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters(last()).size() == 2);
  }

  @Test
  void aNamedResourceThatNeverComesIsMarkedDoesNotExistAndTheRestIsDelivered() {
    cp.serve("1", List.of(listener("ratings:9080")), List.of(), List.of(cluster("c1")), List.of(endpoints("c1")));
    connect(Duration.ofMillis(300));
    await().atMost(Duration.ofSeconds(10)).until(() -> !updates.isEmpty());
    assertThat(source.resourceStatuses()).anySatisfy(s -> {
      assertThat(s.name()).isEqualTo("route-ratings:9080");
      assertThat(s.state()).isEqualTo(XdsResourceStatus.State.DOES_NOT_EXIST);
    });
  }

  @Test
  void theControlPlaneRestartsAndTheClientReconnectsKeepingItsConfigMeanwhile() throws Exception {
    cp.serve("1", List.of(), List.of(), List.of(cluster("c1")), List.of(endpoints("c1")));
    connect(Duration.ofSeconds(15));
    await().atMost(Duration.ofSeconds(10)).until(() -> !updates.isEmpty());
    int port = cp.port();
    cp.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> !failures.isEmpty());
    assertThat(clusters(last())).containsExactly("c1");

    cp = new ControlPlane().start(port);
    cp.serve("7", List.of(), List.of(), List.of(cluster("c1"), cluster("c3")), List.of(endpoints("c1"), endpoints("c3")));
    await().atMost(Duration.ofSeconds(20)).until(() -> clusters(last()).size() == 2);
    assertThat(cp.requests(XdsType.CDS).get(0).getVersionInfo()).as("resubscribes with the last accepted version").isEqualTo("1");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private void connect(Duration doesNotExist) {
    source = XdsConfigSource.builder().target(cp.target()).nodeId("test~node").namespace("default")
        .doesNotExistTimeout(doesNotExist).model(new FakeModel()).build();
    source.start(new ConfigSink() {
      @Override
      public void accept(SourceUpdate update) {
        updates.add(update);
      }

      @Override
      public void sourceFailed(String s, String reason) {
        failures.add(reason);
      }
    });
  }

  private SourceUpdate last() {
    return updates.get(updates.size() - 1);
  }

  private static List<String> clusters(SourceUpdate u) {
    return u.config().serviceEntries().stream().map(se -> se.id().name()).toList();
  }

  static Listener listener(String name) {
    return Listener.newBuilder().setName(name).build();
  }

  static RouteConfiguration route(String name) {
    return RouteConfiguration.newBuilder().setName(name).build();
  }

  static Cluster cluster(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS).build();
  }

  static ClusterLoadAssignment endpoints(String name) {
    return ClusterLoadAssignment.newBuilder().setClusterName(name).build();
  }

  /** One ServiceEntry per cluster; "bad-..." clusters cannot be translated, "crash-..." ones throw; listener L wants route "route-L". */
  static final class FakeModel implements XdsModel {
    @Override
    public Translation translate(XdsResources r) {
      List<ServiceEntry> ses = new ArrayList<>();
      List<ConfigProblem> problems = new ArrayList<>();
      for (String name : r.clusters().keySet()) {
        if (name.startsWith("crash-")) {
          throw new StackOverflowError(name);
        }
        if (name.startsWith("bad-")) {
          problems.add(ConfigProblem.error("Cluster", name, "xds", "", "cannot be translated"));
          continue;
        }
        ses.add(new ServiceEntry(new ResourceId("ServiceEntry", "default", name), new ResourceOrigin("xds", "Cluster " + name),
            List.of(name), List.of(), List.of(new ServicePort(80, "HTTP", "http", 0)), ServiceEntry.Location.MESH_INTERNAL,
            ServiceEntry.Resolution.STATIC, List.of(), List.of(), List.of()));
      }
      ses.sort(java.util.Comparator.comparing(se -> se.id().name()));
      return new Translation(new MeshConfig(ses, List.of(), List.of()), problems);
    }

    @Override
    public Set<String> routeNames(Collection<Listener> listeners) {
      Set<String> out = new LinkedHashSet<>();
      listeners.forEach(l -> out.add("route-" + l.getName()));
      return out;
    }

    @Override
    public Set<String> edsNames(Collection<Cluster> clusters) {
      Set<String> out = new LinkedHashSet<>();
      clusters.forEach(c -> out.add(c.getName()));
      return out;
    }
  }
}
