package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.AuthorizationPolicy.Condition;
import io.meshlet.core.model.AuthorizationPolicy.Operation;
import io.meshlet.core.model.AuthorizationPolicy.Rule;
import io.meshlet.core.model.AuthorizationPolicy.Source;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.PeerAuthentication;
import io.meshlet.core.model.RateLimitPolicy;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.TrafficPolicy;
import io.meshlet.xds.XdsConfigSource;
import io.meshlet.xds.translate.Translation;
import io.meshlet.xds.translate.XdsResources;
import io.meshlet.xds.translate.XdsTranslator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Security resources at the model level through the control plane and back: PeerAuthentication,
 * AuthorizationPolicy and a server-side RateLimit records → {@link SnapshotBuilder} (the inbound
 * listener the node names in its metadata) → java-control-plane's server → {@link XdsConfigSource}
 * → records that mean the same (ids, origins and the split of a policy's rules into one policy per
 * rule aside). The node is reviews-v1 in default, serving on 9080 and 9443.
 */
class SecurityRoundTripTest {
  static final ResourceOrigin ORIGIN = new ResourceOrigin("test", "records");
  static final String SAN = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";

  static Source from(List<String> principals, List<String> notNamespaces, List<String> ipBlocks, List<String> remoteIpBlocks) {
    return new Source(principals, List.of(), List.of(), notNamespaces, ipBlocks, List.of(), remoteIpBlocks, List.of(),
        List.of(), List.of());
  }

  static Source namespaces(String... ns) {
    return new Source(List.of(), List.of(), List.of(ns), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  static Operation to(List<String> hosts, List<Integer> ports, List<String> methods, List<String> paths, List<String> notPaths) {
    return new Operation(hosts, List.of(), ports, List.of(), methods, List.of(), paths, notPaths);
  }

  static AuthorizationPolicy policy(String ns, String name, Map<String, String> selector, AuthorizationPolicy.Action action,
      Rule... rules) {
    return new AuthorizationPolicy(new ResourceId("AuthorizationPolicy", ns, name), ORIGIN, selector, action, List.of(rules), List.of());
  }

  static PeerAuthentication peer(String ns, String name, Map<String, String> selector, MtlsMode mode, Map<Integer, MtlsMode> ports) {
    return new PeerAuthentication(new ResourceId("PeerAuthentication", ns, name), ORIGIN, selector, mode, ports, List.of());
  }

  static final List<AuthorizationPolicy> APPLIED = List.of(
      policy("default", "deny-admin", Map.of("app", "reviews"), AuthorizationPolicy.Action.DENY,
          new Rule(List.of(), List.of(to(List.of(), List.of(), List.of("DELETE", "PUT"), List.of("/admin*"), List.of())), List.of()),
          new Rule(List.of(from(List.of(), List.of("default", "istio-*"), List.of("10.0.0.0/8"), List.of("1.2.3.4"))),
              List.of(), List.of())),
      policy("default", "allow-productpage", Map.of(), AuthorizationPolicy.Action.ALLOW,
          new Rule(List.of(from(List.of("cluster.local/ns/default/sa/bookinfo-productpage", "*/sa/ratings"), List.of(),
                  List.of(), List.of()), namespaces("test*")),
              List.of(to(List.of("reviews*", "*.example.com"), List.of(9080), List.of("GET"), List.of("*.png", "/reviews/*"),
                  List.of("/reviews/admin"))),
              List.of(new Condition("request.headers[x-token]", List.of("abc", "*"), List.of("bad")))),
          Rule.ANY),
      policy("istio-system", "mesh-allow-health", Map.of(), AuthorizationPolicy.Action.ALLOW,
          new Rule(List.of(), List.of(to(List.of(), List.of(), List.of(), List.of("/health"), List.of())), List.of())));

  static final List<AuthorizationPolicy> NOT_APPLIED = List.of(
      policy("other", "deny-all", Map.of(), AuthorizationPolicy.Action.DENY, Rule.ANY),
      policy("default", "ratings-only", Map.of("app", "ratings"), AuthorizationPolicy.Action.DENY, Rule.ANY));

  static MeshConfig config() {
    MeshConfig yaml = SnapshotBuilderTest.parse(Bookinfo.yaml("v2"));
    List<DestinationRule> rules = new ArrayList<>();
    for (DestinationRule dr : yaml.destinationRules()) {
      TrafficPolicy tp = dr.trafficPolicy();
      rules.add(!dr.host().startsWith("reviews") ? dr : new DestinationRule(dr.id(), dr.origin(), dr.host(),
          new TrafficPolicy(tp.loadBalancer(), tp.portLevelSettings(), tp.connectionPool(), tp.outlierDetection(), tp.retryBudget(),
              ClientTlsSettings.istioMutual(List.of(SAN), null)), dr.subsets(), dr.exportTo(), dr.notYetApplied()));
    }
    List<AuthorizationPolicy> policies = new ArrayList<>(NOT_APPLIED);
    policies.addAll(APPLIED);
    return new MeshConfig(yaml.serviceEntries(), yaml.virtualServices(), rules, List.of(),
        List.of(new RateLimitPolicy(new ResourceId("RateLimit", "default", "reviews-inbound"), ORIGIN, "", List.of(), 20,
            Duration.ofSeconds(2), List.of(), List.of(), Map.of("app", "reviews"))),
        List.of(peer("istio-system", "mesh", Map.of(), MtlsMode.STRICT, Map.of()),
            peer("default", "reviews-plain-9443", Map.of("app", "reviews"), MtlsMode.UNSET, Map.of(9443, MtlsMode.DISABLE)),
            peer("default", "namespace", Map.of(), MtlsMode.UNSET, Map.of())),
        policies);
  }

  /** Each policy's rules, with its action: what an authorization decision depends on. */
  static List<String> rules(List<AuthorizationPolicy> policies) {
    List<String> out = new ArrayList<>();
    for (AuthorizationPolicy p : policies) {
      p.rules().forEach(r -> out.add(p.action() + " " + r));
    }
    return out;
  }

  static final NodeKey NODE = new NodeKey("default", Map.of("app", "reviews", "version", "v1"),
      List.of("xds.istio.io/grpc/lds/inbound/0.0.0.0:9080", "xds.istio.io/grpc/lds/inbound/0.0.0.0:9443"));

  @Test
  void theInboundListenerIsIstiodsShapeAndTranslatesBackWithoutProblems() {
    SnapshotBuilder.Resources r = SnapshotBuilder.build(config(), NODE);
    Map<String, Listener> listeners = r.listeners().stream().collect(Collectors.toMap(Listener::getName, Function.identity()));
    Listener inbound = listeners.get("xds.istio.io/grpc/lds/inbound/0.0.0.0:9080");
    assertThat(inbound.getAddress().getSocketAddress().getAddress()).isEqualTo("0.0.0.0");
    assertThat(inbound.getFilterChainsList()).extracting(c -> c.getName()).containsExactly("inbound-mtls");
    assertThat(listeners.get("xds.istio.io/grpc/lds/inbound/0.0.0.0:9443").getFilterChainsList()).extracting(c -> c.getName())
        .containsExactly("inbound-plaintext");

    Translation t = XdsTranslator.translate(new XdsResources(listeners, r.routes().stream()
        .collect(Collectors.toMap(rc -> rc.getName(), Function.identity())), r.clusters().stream()
        .collect(Collectors.toMap(c -> c.getName(), Function.identity())), r.endpoints().stream()
        .collect(Collectors.toMap(e -> e.getClusterName(), Function.identity()))), "default");
    assertThat(t.problems()).isEmpty();
  }

  @Test
  void aNamespaceOnlyPolicyIsPermissiveAndAnAllowPolicyWithoutRulesAllowsNothing() {
    MeshConfig c = new MeshConfig(List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of(peer("default", "ns", Map.of(), MtlsMode.PERMISSIVE, Map.of())),
        List.of(policy("default", "nothing", Map.of(), AuthorizationPolicy.Action.ALLOW)));
    Listener l = SnapshotBuilder.build(c, NODE).listeners().get(0);
    Translation t = XdsTranslator.translate(new XdsResources(Map.of(l.getName(), l), Map.of(), Map.of(), Map.of()), "default");

    assertThat(t.problems()).isEmpty();
    assertThat(t.config().peerAuthentications().get(0).portLevelMtls()).containsEntry(9080, MtlsMode.PERMISSIVE);
    assertThat(t.config().authorizationPolicies()).singleElement().satisfies(p -> {
      assertThat(p.action()).isEqualTo(AuthorizationPolicy.Action.ALLOW);
      assertThat(p.rules()).isEmpty();
    });
  }

  @Test
  void recordsToControlPlaneToXdsToClientGiveTheSamePolicies() throws Exception {
    // One client: requests after the first carry no node, so they belong to the first one's group
    // (MeshControlPlane keys them by stream).
    java.util.concurrent.atomic.AtomicReference<NodeKey> last = new java.util.concurrent.atomic.AtomicReference<>();
    SimpleCache<NodeKey> cache = new SimpleCache<>(node -> node.hasMetadata()
        ? last.updateAndGet(k -> NodeKey.of(node, "default")) : last.get());
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl()).build().start();
    List<SourceUpdate> updates = new CopyOnWriteArrayList<>();
    XdsConfigSource source = XdsConfigSource.builder().target("127.0.0.1:" + server.getPort())
        .nodeId("sidecar~10.0.0.2~reviews-v1.default~default.svc.cluster.local").namespace("default")
        .labels(Map.of("app", "reviews", "version", "v1")).serverPort(9080).serverPort(9443).build();
    try {
      SnapshotBuilder.Resources r = SnapshotBuilder.build(config(), NODE);
      // The key the server computes from the node's metadata is the key the snapshot is set for.
      cache.setSnapshot(NODE, Snapshot.create(r.clusters(), r.endpoints(), r.listeners(), r.routes(), List.of(), "1"));
      source.start(new ConfigSink() {
        @Override
        public void accept(SourceUpdate update) {
          updates.add(update);
        }

        @Override
        public void sourceFailed(String s, String reason) {}
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> !updates.isEmpty());
      MeshConfig back = updates.get(updates.size() - 1).config();

      assertThat(updates.get(updates.size() - 1).warnings()).isEmpty();
      assertThat(back.peerAuthentications()).singleElement().satisfies(pa -> assertThat(pa.portLevelMtls())
          .isEqualTo(Map.of(9080, MtlsMode.STRICT, 9443, MtlsMode.DISABLE)));
      assertThat(rules(back.authorizationPolicies())).containsExactlyInAnyOrderElementsOf(rules(APPLIED));
      assertThat(back.authorizationPolicies()).extracting(p -> p.id().name())
          .contains("default-deny-admin-0", "default-deny-admin-1", "default-allow-productpage-0", "istio-system-mesh-allow-health-0");
      assertThat(back.rateLimits()).singleElement().satisfies(rl -> {
        assertThat(rl.serverSide()).isTrue();
        assertThat(rl.limitForPeriod()).isEqualTo(20);
        assertThat(rl.limitRefreshPeriod()).isEqualTo(Duration.ofSeconds(2));
      });
      assertThat(back.destinationRules()).filteredOn(dr -> dr.host().startsWith("reviews")).singleElement()
          .satisfies(dr -> assertThat(dr.trafficPolicy().tlsFor(9080)).isEqualTo(ClientTlsSettings.istioMutual(List.of(SAN), null)));
      assertThat(back.destinationRules()).filteredOn(dr -> dr.host().startsWith("ratings"))
          .allSatisfy(dr -> assertThat(dr.trafficPolicy().tlsFor(9080)).isNull());
    } finally {
      source.close();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
