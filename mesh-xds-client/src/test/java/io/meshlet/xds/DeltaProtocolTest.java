package io.meshlet.xds;

import static io.meshlet.xds.AdsProtocolTest.cluster;
import static io.meshlet.xds.AdsProtocolTest.endpoints;
import static io.meshlet.xds.AdsProtocolTest.listener;
import static io.meshlet.xds.AdsProtocolTest.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.SourceUpdate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delta (incremental) protocol against java-control-plane's real server, with the fake translation of AdsProtocolTest. */
class DeltaProtocolTest {
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
  void subscribesAddsRemovesAndNacksIncrementally() {
    cp.serve("1", List.of(listener("reviews:9080")), List.of(route("route-reviews:9080")), List.of(cluster("c1")),
        List.of(endpoints("c1")));
    connect();
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters().equals(List.of("c1")));
    DeltaDiscoveryRequest first = cp.deltaRequests(XdsType.CDS).get(0);
    assertThat(first.getResourceNamesSubscribeList()).containsExactly("*");
    assertThat(cp.deltaRequests.get(0).hasNode()).isTrue();
    assertThat(cp.deltaRequests(XdsType.RDS).get(0).getResourceNamesSubscribeList()).containsExactly("route-reviews:9080");

    cp.serve("2", List.of(listener("reviews:9080")), List.of(route("route-reviews:9080")),
        List.of(cluster("c1"), cluster("c2")), List.of(endpoints("c1"), endpoints("c2")));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters().equals(List.of("c1", "c2")));
    assertThat(cp.deltaRequests(XdsType.EDS)).anySatisfy(r -> assertThat(r.getResourceNamesSubscribeList()).contains("c2"));

    cp.serve("3", List.of(listener("reviews:9080")), List.of(route("route-reviews:9080")), List.of(cluster("c2")),
        List.of(endpoints("c2")));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters().equals(List.of("c2")));
    assertThat(cp.deltaRequests(XdsType.EDS)).anySatisfy(r -> assertThat(r.getResourceNamesUnsubscribeList()).contains("c1"));

    cp.serve("4", List.of(listener("reviews:9080")), List.of(route("route-reviews:9080")),
        List.of(cluster("c2"), cluster("bad-x")), List.of(endpoints("c2"), endpoints("bad-x")));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        cp.deltaRequests(XdsType.CDS).stream().anyMatch(r -> r.hasErrorDetail() && r.getErrorDetail().getMessage().contains("bad-x")));
    assertThat(clusters()).containsExactly("c2");
  }

  @Test
  void reconnectingSendsTheVersionsItHolds() throws Exception {
    cp.serve("1", List.of(), List.of(), List.of(cluster("c1")), List.of(endpoints("c1")));
    connect();
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters().equals(List.of("c1")));
    int port = cp.port();
    cp.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> !failures.isEmpty());

    cp = new ControlPlane().start(port);
    cp.serve("2", List.of(), List.of(), List.of(cluster("c1"), cluster("c3")), List.of(endpoints("c1"), endpoints("c3")));
    await().atMost(Duration.ofSeconds(20)).until(() -> clusters().equals(List.of("c1", "c3")));
    assertThat(cp.deltaRequests(XdsType.CDS).get(0).getInitialResourceVersionsMap()).containsKey("c1");
  }

  private void connect() {
    source = XdsConfigSource.builder().target(cp.target()).nodeId("test~node").namespace("default").delta(true)
        .doesNotExistTimeout(Duration.ofSeconds(1)).model(new AdsProtocolTest.FakeModel()).build();
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

  private List<String> clusters() {
    return updates.isEmpty() ? List.of()
        : updates.get(updates.size() - 1).config().serviceEntries().stream().map(se -> se.id().name()).toList();
  }
}
