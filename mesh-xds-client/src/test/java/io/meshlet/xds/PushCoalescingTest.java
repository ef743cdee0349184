package io.meshlet.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.meshlet.xds.translate.Translation;
import io.meshlet.xds.translate.XdsResources;
import io.meshlet.xds.translate.XdsTranslator;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One push of a control plane that versions its snapshot as a whole arrives as four responses (CDS,
 * EDS, LDS, RDS). Each is validated and ACKed or NACKed on its own; a response whose resources did not
 * change is not translated again; and when they wait on the client's executor together, the config is
 * handed on once, after the last. The executor is run by hand, so "together" is exact: the test waits
 * (for the network) until all four responses are queued, then handles them as one batch.
 */
class PushCoalescingTest {
  ControlPlane cp;
  ManagedChannel channel;
  final ManualExecutor executor = new ManualExecutor();
  final AtomicInteger translations = new AtomicInteger();
  final List<Translation> handed = new CopyOnWriteArrayList<>();
  final List<String> versions = new CopyOnWriteArrayList<>();
  AdsClient client;

  @BeforeEach
  void start() throws Exception {
    cp = new ControlPlane().start(0);
    channel = NettyChannelBuilder.forTarget(cp.target()).usePlaintext().build();
    XdsModel real = XdsModel.of("default");
    XdsModel counting = new XdsModel() {
      @Override
      public Translation translate(XdsResources resources) {
        translations.incrementAndGet();
        return real.translate(resources);
      }

      @Override
      public Set<String> routeNames(Collection<Listener> listeners) {
        return real.routeNames(listeners);
      }

      @Override
      public Set<String> edsNames(Collection<Cluster> clusters) {
        return real.edsNames(clusters);
      }
    };
    client = new AdsClient(channel, Node.newBuilder().setId("coalescing-test").build(), counting, executor, false,
        Duration.ofSeconds(15), Clock.systemUTC(), false, new AdsClient.Handler() {
          @Override
          public void onConfig(Translation translation, String version) {
            handed.add(translation);
            versions.add(version);
          }

          @Override
          public void onStreamError(String reason) {}
        });
    cp.serve("1", List.of(IstiodShapes.listener()), List.of(IstiodShapes.routes("v2")), IstiodShapes.clusters(),
        IstiodShapes.endpoints());
    client.start();
    // Warm up: LDS and CDS, then the RDS and EDS they name, one exchange at a time.
    while (versions.isEmpty()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> executor.queued() > 0);
      executor.runQueued();
    }
    assertThat(versions).containsExactly("lds=1,cds=1,rds=1,eds=1");
  }

  @AfterEach
  void stop() throws Exception {
    client.shutdown();
    executor.runQueued();
    executor.shutdownNow();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    cp.close();
  }

  @Test
  void responsesOfOnePushAreEachAckedButHandedOnOnceAndUnchangedOnesAreNotTranslated() {
    int translated = translations.get();

    cp.serve("2", List.of(IstiodShapes.listener()), List.of(IstiodShapes.routes("v3")), IstiodShapes.clusters(),
        IstiodShapes.endpoints());
    await().atMost(Duration.ofSeconds(10)).until(() -> executor.queued() == 4);
    executor.runQueued();

    assertThat(versions).as("one hand-on for the whole push").containsExactly("lds=1,cds=1,rds=1,eds=1", "lds=2,cds=2,rds=2,eds=2");
    assertThat(translations.get() - translated).as("only the RouteConfiguration changed").isEqualTo(1);
    assertThat(last().config()).isEqualTo(expected(IstiodShapes.routes("v3"), IstiodShapes.endpoints()).config());
    // The ACKs were sent while the batch ran; wait for the server to have read them.
    List<DiscoveryRequest> answers = answersOfEachType("2");
    assertThat(answers).as("each response answered once").extracting(DiscoveryRequest::getResponseNonce).doesNotHaveDuplicates();
    assertThat(answers).allSatisfy(ack -> {
      assertThat(ack.getVersionInfo()).as("ACK of %s", ack.getTypeUrl()).isEqualTo("2");
      assertThat(ack.hasErrorDetail()).isFalse();
    });
  }

  @Test
  void aBadResponseInTheBatchIsNackedAndTheGoodOnesAreHandedOnOnceWithTheLastGoodOfItsType() {
    RouteConfiguration bad = IstiodShapes.routes("v3").toBuilder()
        .setVirtualHosts(0, IstiodShapes.routes("v3").getVirtualHosts(0).toBuilder()
            .setRoutes(0, IstiodShapes.routes("v3").getVirtualHosts(0).getRoutes(0).toBuilder()
                .setMatch(RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("(unclosed")))))
        .build();
    List<ClusterLoadAssignment> moved = List.of(IstiodShapes.cla("", "10.0.0.1", "10.0.0.2", "10.0.0.9"),
        IstiodShapes.cla("v1", "10.0.0.1"), IstiodShapes.cla("v2", "10.0.0.2"), IstiodShapes.cla("v3", "10.0.0.9"));

    cp.serve("3", List.of(IstiodShapes.listener()), List.of(bad), IstiodShapes.clusters(), moved);
    await().atMost(Duration.ofSeconds(10)).until(() -> executor.queued() == 4);
    executor.runQueued();

    assertThat(versions).containsExactly("lds=1,cds=1,rds=1,eds=1", "lds=3,cds=3,rds=1,eds=3");
    assertThat(last().config()).as("the new endpoints with the last good routes")
        .isEqualTo(expected(IstiodShapes.routes("v2"), moved).config());
    // The answers were sent while the batch ran; wait for the server to have read them.
    List<DiscoveryRequest> answers = answersOfEachType("3");
    assertThat(answers).as("each response answered once").extracting(DiscoveryRequest::getResponseNonce).doesNotHaveDuplicates();
    assertThat(answers).allSatisfy(answer -> {
      if (answer.getTypeUrl().equals(XdsType.RDS.typeUrl())) {
        assertThat(answer.hasErrorDetail()).as("the RouteConfiguration NACKed").isTrue();
        assertThat(answer.getVersionInfo()).as("the last good version").isEqualTo("1");
        assertThat(answer.getErrorDetail().getMessage()).contains("RouteConfiguration", "safe_regex");
      } else {
        assertThat(answer.hasErrorDetail()).as("%s ACKed", answer.getTypeUrl()).isFalse();
        assertThat(answer.getVersionInfo()).isEqualTo("3");
      }
    });
  }

  /**
   * Waits until the server has read an answer (ACK or NACK) to a response of {@code version} of each
   * of the four types, and returns every answer read so far to a response of that version, matched by
   * nonce. Not a count of requests: java-control-plane answers an EDS request it reads after sending
   * a CDS response with the endpoints again, even unchanged (Envoy re-requests EDS after CDS; its
   * {@code hasClusterChanged}), so when a late ACK of the warm-up makes it send the push's EDS
   * before its CDS, the push carries a second EDS response, and the client answers that one too.
   */
  private List<DiscoveryRequest> answersOfEachType(String version) {
    return await().atMost(Duration.ofSeconds(10)).until(() -> answersTo(version),
        l -> l.stream().map(DiscoveryRequest::getTypeUrl).collect(Collectors.toSet()).size() == XdsType.values().length);
  }

  /** The requests the server read whose nonce is that of a response of {@code version} it sent. */
  private List<DiscoveryRequest> answersTo(String version) {
    Set<String> nonces = cp.responses.stream().filter(r -> r.getVersionInfo().equals(version))
        .map(DiscoveryResponse::getNonce).collect(Collectors.toSet());
    return cp.requests.stream().filter(r -> nonces.contains(r.getResponseNonce())).toList();
  }

  private Translation last() {
    return handed.get(handed.size() - 1);
  }

  private static Translation expected(RouteConfiguration routes, List<ClusterLoadAssignment> endpoints) {
    return XdsTranslator.translate(new XdsResources(
        byName(List.of(IstiodShapes.listener()), Listener::getName),
        byName(List.of(routes), RouteConfiguration::getName),
        byName(IstiodShapes.clusters(), Cluster::getName),
        byName(endpoints, ClusterLoadAssignment::getClusterName)), "default");
  }

  private static <T> Map<String, T> byName(List<T> resources, Function<T, String> name) {
    return resources.stream().collect(Collectors.toMap(name, r -> r));
  }
}
