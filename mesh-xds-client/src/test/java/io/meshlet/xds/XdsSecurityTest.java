package io.meshlet.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC.Action;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.xds.translate.IstiodSecurity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The workload's inbound listener and TLS clusters over a real ADS stream: subscribed from {@code
 * serverPort}, translated into PeerAuthentication/AuthorizationPolicy/ClientTlsSettings, a listener
 * with an RBAC matcher Meshlet cannot express NACKed with the matcher's path, the old policies kept.
 */
class XdsSecurityTest {
  static final String SAN = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
  ControlPlane cp;
  XdsConfigSource source;
  final List<SourceUpdate> updates = new CopyOnWriteArrayList<>();

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

  static Listener strict(Policy allow) {
    return IstiodSecurity.inbound(IstiodSecurity.INBOUND, 9080, true, List.of(
        IstiodSecurity.rbac(Action.DENY, Map.of("default-deny-delete-0", IstiodSecurity.denyDelete())),
        IstiodSecurity.rbac(Action.ALLOW, Map.of("default-allow-productpage-0", allow))));
  }

  static List<Cluster> tlsClusters() {
    List<Cluster> clusters = new ArrayList<>();
    for (Cluster c : IstiodShapes.clusters()) {
      clusters.add(c.toBuilder().setTransportSocket(IstiodSecurity.upstreamTls(List.of(SAN), "")).build());
    }
    return clusters;
  }

  void serve(String version, Listener inbound) {
    cp.serve(version, List.of(IstiodShapes.listener(), inbound), List.of(IstiodShapes.routes("v2")), tlsClusters(),
        IstiodShapes.endpoints());
  }

  /** Connects with a 2 s does-not-exist (and initial fetch) timer, for tests where it must fire. */
  void connect(boolean delta, int... ports) {
    connect(delta, Duration.ofSeconds(2), ports);
  }

  /**
   * Connects with {@code doesNotExist} as the does-not-exist and initial fetch timer: a test whose
   * resources all arrive gives a long one, so that a slow first response cannot pass for a missing one.
   */
  void connect(boolean delta, Duration doesNotExist, int... ports) {
    XdsConfigSource.Builder b = XdsConfigSource.builder().target(cp.target()).nodeId("sidecar~10.0.0.2~reviews-v1.default~default")
        .namespace("default").labels(Map.of("app", "reviews")).delta(delta).doesNotExistTimeout(doesNotExist);
    for (int p : ports) {
      b.serverPort(p);
    }
    source = b.build();
    source.start(new ConfigSink() {
      @Override
      public void accept(SourceUpdate update) {
        updates.add(update);
      }

      @Override
      public void sourceFailed(String s, String reason) {}
    });
  }

  SourceUpdate last() {
    return updates.get(updates.size() - 1);
  }

  @Test
  void inboundListenerAndTlsClustersTranslateAndABadMatcherIsNackedWithTheOldPoliciesKept() {
    serve("1", strict(IstiodSecurity.allowProductpage()));
    connect(false, Duration.ofSeconds(30), 9080);
    await().atMost(Duration.ofSeconds(10)).until(() -> !updates.isEmpty());

    SourceUpdate first = last();
    assertThat(first.config().peerAuthentications()).singleElement()
        .satisfies(pa -> assertThat(pa.portLevelMtls()).isEqualTo(Map.of(9080, MtlsMode.STRICT)));
    assertThat(first.config().authorizationPolicies()).extracting(p -> p.id().name() + " " + p.action())
        .containsExactly("default-deny-delete-0 DENY", "default-allow-productpage-0 ALLOW");
    assertThat(first.config().destinationRules()).singleElement()
        .satisfies(dr -> assertThat(dr.trafficPolicy().tlsFor(9080)).isEqualTo(ClientTlsSettings.istioMutual(List.of(SAN), null)));
    assertThat(source.configDump()).contains("Listener " + IstiodSecurity.INBOUND + ": ACKED (version 1)");
    DiscoveryRequest node = cp.requests.get(0);
    assertThat(node.getNode().getMetadata().getFieldsOrThrow(XdsConfigSource.SERVER_LISTENERS_METADATA).getListValue()
        .getValues(0).getStringValue()).isEqualTo(IstiodSecurity.INBOUND);

    Policy destinationIp = IstiodSecurity.allowProductpage().toBuilder().setPermissions(0, IstiodSecurity.and(IstiodSecurity.or(
        Permission.newBuilder().setMetadata(io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher.newBuilder()
            .setFilter("envoy.filters.http.custom")).build()))).build();
    serve("2", strict(destinationIp));
    await().atMost(Duration.ofSeconds(10)).until(() -> cp.requests(XdsType.LDS).stream().anyMatch(DiscoveryRequest::hasErrorDetail));

    DiscoveryRequest nack = cp.requests(XdsType.LDS).stream().filter(DiscoveryRequest::hasErrorDetail).findFirst().orElseThrow();
    assertThat(nack.getVersionInfo()).isEqualTo("1");
    assertThat(nack.getErrorDetail().getMessage())
        .contains("Listener " + IstiodSecurity.INBOUND)
        .contains("policies[default-allow-productpage-0].permissions[0].and_rules.rules[0].or_rules.rules[0].metadata");
    assertThat(source.configDump()).anyMatch(s -> s.startsWith("Listener " + IstiodSecurity.INBOUND + ": NACKED"));
    assertThat(last().config().authorizationPolicies()).isEqualTo(first.config().authorizationPolicies());
    assertThat(last().config().peerAuthentications()).isEqualTo(first.config().peerAuthentications());
  }

  @Test
  void aMeshWithAServerPortSubscribesThroughTheBootstrapTemplate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    serve("1", strict(IstiodSecurity.allowProductpage()));
    java.nio.file.Path bootstrap = dir.resolve("grpc-bootstrap.json");
    java.nio.file.Files.writeString(bootstrap, """
        {
          "xds_servers": [{"server_uri": "%s", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
          "node": {"id": "sidecar~10.0.0.2~reviews-v1-abc.default~default.svc.cluster.local",
                   "metadata": {"NAMESPACE": "default", "LABELS": {"app": "reviews", "version": "v1"}}},
          "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%%s"
        }
        """.formatted(cp.target()));
    try (io.meshlet.core.Mesh mesh = io.meshlet.core.Mesh.builder().workload("reviews").namespace("default")
        .xdsBootstrap(bootstrap).serverPort(9080).startupTimeout(Duration.ofSeconds(20)).build()) {
      assertThat(mesh.configDump().get("xds:" + cp.target())).contains("Listener " + IstiodSecurity.INBOUND + ": ACKED (version 1)");
      assertThat(mesh.snapshot().config().peerAuthentications()).singleElement()
          .satisfies(pa -> assertThat(pa.portLevelMtls()).isEqualTo(Map.of(9080, MtlsMode.STRICT)));
      assertThat(mesh.snapshot().config().authorizationPolicies()).hasSize(2);
    }
  }

  @Test
  void deltaSubscribesToTheInboundNamesBesideTheWildcardAndAMissingOneDoesNotExist() {
    Policy allowAll = Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true))
        .addPrincipals(Principal.newBuilder().setAny(true)).build();
    serve("1", strict(allowAll));
    connect(true, 9080, 9443);
    // 9443 is never served and must time out; 9080 is, and a slow stream could let it time out first
    // too (it is applied when it arrives): wait for the state with 9080's ALLOW and 9443 closed.
    await().atMost(Duration.ofSeconds(20)).until(() -> !updates.isEmpty()
        && policyNames(last()).contains("xds-inbound-missing-9443") && !policyNames(last()).contains("xds-inbound-missing-9080"));

    DeltaDiscoveryRequest lds = cp.deltaRequests(XdsType.LDS).get(0);
    assertThat(lds.getResourceNamesSubscribeList()).containsExactly("*", IstiodSecurity.INBOUND,
        "xds.istio.io/grpc/lds/inbound/0.0.0.0:9443");
    assertThat(last().config().authorizationPolicies()).filteredOn(p -> p.action() == AuthorizationPolicy.Action.ALLOW)
        .singleElement().satisfies(p -> assertThat(p.rules()).containsExactly(AuthorizationPolicy.Rule.ANY));
    // The declared port without a listener is closed, and the dump says why.
    assertThat(source.configDump()).anySatisfy(line -> assertThat(line)
        .startsWith("Listener xds.istio.io/grpc/lds/inbound/0.0.0.0:9443: DOES_NOT_EXIST")
        .contains("every call to port 9443 is denied (AuthorizationPolicy xds-inbound-missing-9443"));
    assertThat(last().config().authorizationPolicies()).filteredOn(p -> p.id().name().equals("xds-inbound-missing-9443"))
        .singleElement().satisfies(p -> assertThat(p.action()).isEqualTo(AuthorizationPolicy.Action.DENY));
    assertThat(last().config().peerAuthentications()).singleElement()
        .satisfies(pa -> assertThat(pa.portLevelMtls()).isEqualTo(Map.of(9080, MtlsMode.STRICT, 9443, MtlsMode.STRICT)));
  }

  static List<String> policyNames(SourceUpdate u) {
    return u.config().authorizationPolicies().stream().map(p -> p.id().name()).toList();
  }

  @Test
  void aServerPortWhoseListenerIsRejectedFirstOrRemovedLaterFailsClosed() {
    Policy destinationIp = IstiodSecurity.allowProductpage().toBuilder().setPermissions(0, IstiodSecurity.and(IstiodSecurity.or(
        Permission.newBuilder().setMetadata(io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher.newBuilder()
            .setFilter("envoy.filters.http.custom")).build()))).build();
    serve("1", strict(destinationIp));
    connect(false, 9080);
    // The first LDS is NACKed; after the initial fetch timeout the mesh gets a config in which 9080 is closed.
    await().atMost(Duration.ofSeconds(10)).until(() -> !updates.isEmpty());
    assertThat(cp.requests(XdsType.LDS)).anyMatch(DiscoveryRequest::hasErrorDetail);
    assertThat(policyNames(last())).containsExactly("xds-inbound-missing-9080");
    assertThat(last().config().peerAuthentications()).singleElement()
        .satisfies(pa -> assertThat(pa.portLevelMtls()).isEqualTo(Map.of(9080, MtlsMode.STRICT)));
    assertThat(source.configDump()).anySatisfy(line -> assertThat(line).startsWith("Listener " + IstiodSecurity.INBOUND + ": NACKED")
        .contains("metadata").contains("every call to port 9080 is denied"));

    serve("2", strict(IstiodSecurity.allowProductpage()));
    await().atMost(Duration.ofSeconds(10)).until(() -> policyNames(last()).contains("default-allow-productpage-0"));
    assertThat(policyNames(last())).containsExactly("default-deny-delete-0", "default-allow-productpage-0");

    // A later state-of-the-world response without it: removed, so closed again.
    cp.serve("3", List.of(IstiodShapes.listener()), List.of(IstiodShapes.routes("v2")), tlsClusters(), IstiodShapes.endpoints());
    await().atMost(Duration.ofSeconds(10)).until(() -> policyNames(last()).contains("xds-inbound-missing-9080"));
    assertThat(policyNames(last())).containsExactly("xds-inbound-missing-9080");
    assertThat(source.configDump()).anySatisfy(line -> assertThat(line)
        .startsWith("Listener " + IstiodSecurity.INBOUND + ": DOES_NOT_EXIST").contains("every call to port 9080 is denied"));
  }
}
