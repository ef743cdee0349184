package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.xds.translate.Translation;
import io.meshlet.xds.translate.XdsResources;
import io.meshlet.xds.translate.XdsTranslator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The resources' shapes (istiod's proxyless output) and node selection, without a server. */
class SnapshotBuilderTest {
  static final String REVIEWS = "reviews.default.svc.cluster.local";

  static MeshConfig parse(String yaml) {
    IstioYaml.ParseResult r = IstioYaml.parse("test", "test.yaml", yaml, "default");
    assertThat(r.errors()).isEmpty();
    return r.config();
  }

  static SnapshotBuilder.Resources build(String yaml, String namespace, Map<String, String> labels) {
    return SnapshotBuilder.build(parse(yaml), new NodeKey(namespace, labels));
  }

  @Test
  void namesAndShapesAreIstiods() throws Exception {
    SnapshotBuilder.Resources r = build(Bookinfo.yaml("v2"), "default", Map.of());
    assertThat(r.listeners()).extracting(Listener::getName)
        .containsExactly(REVIEWS + ":9080", "ratings.default.svc.cluster.local:9080", "details.default.svc.cluster.local:9080");
    assertThat(r.clusters()).extracting(Cluster::getName).contains(
        "outbound|9080||" + REVIEWS, "outbound|9080|v1|" + REVIEWS, "outbound|9080|v2|" + REVIEWS, "outbound|9080|v3|" + REVIEWS,
        "outbound|9080||details.default.svc.cluster.local");
    assertThat(r.endpoints()).hasSameSizeAs(r.clusters());

    RouteConfiguration reviews = r.routes().get(0);
    assertThat(reviews.getName()).isEqualTo(REVIEWS + ":9080");
    assertThat(reviews.getVirtualHosts(0).getDomainsList()).containsExactly(REVIEWS, REVIEWS + ":9080", "reviews", "reviews:9080",
        "reviews.default", "reviews.default:9080", "reviews.default.svc", "reviews.default.svc:9080");
    assertThat(reviews.getVirtualHosts(0).getRoutesList()).extracting(Route::getName).containsExactly("jason", "mobile", "split");
    Route jason = reviews.getVirtualHosts(0).getRoutes(0);
    assertThat(jason.getRoute().getCluster()).isEqualTo("outbound|9080|v2|" + REVIEWS);
    assertThat(jason.getRoute().getRetryPolicy().getNumRetries().getValue()).isEqualTo(2); // Istio's default, written out
    // Timeouts as istiod's setTimeout writes them for proxyless nodes: the rule's (or 0, none) in both
    // timeout and max_stream_duration (the only field gRPC reads); the default route gets timeout 0 alone.
    Route mobile = reviews.getVirtualHosts(0).getRoutes(1);
    assertThat(mobile.getRoute().getTimeout().getSeconds()).isEqualTo(2);
    assertThat(mobile.getRoute().getMaxStreamDuration().getMaxStreamDuration()).isEqualTo(mobile.getRoute().getTimeout());
    assertThat(jason.getRoute().hasTimeout()).isTrue();
    assertThat(jason.getRoute().getTimeout()).isEqualTo(com.google.protobuf.Duration.getDefaultInstance());
    assertThat(jason.getRoute().getMaxStreamDuration().hasMaxStreamDuration()).isTrue();
    assertThat(jason.getRoute().getMaxStreamDuration().getMaxStreamDuration()).isEqualTo(com.google.protobuf.Duration.getDefaultInstance());
    Route details = r.routes().get(2).getVirtualHosts(0).getRoutes(0);
    assertThat(details.getName()).isEqualTo("default");
    assertThat(details.getRoute().hasTimeout()).isTrue();
    assertThat(details.getRoute().hasMaxStreamDuration()).isFalse();

    Cluster base = r.clusters().get(0);
    assertThat(base.getType()).isEqualTo(Cluster.DiscoveryType.EDS);
    assertThat(base.getLbPolicy()).isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
    assertThat(base.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(3);

    // ratings: the port by name, else targetPort; weight and locality; a v2-only subset assignment.
    Map<String, ClusterLoadAssignment> cla = r.endpoints().stream()
        .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity()));
    ClusterLoadAssignment ratingsV2 = cla.get("outbound|9080|v2|ratings.default.svc.cluster.local");
    assertThat(ratingsV2.getEndpointsList()).singleElement().satisfies(g -> {
      assertThat(g.getLocality().getRegion()).isEqualTo("us-east");
      assertThat(g.getLocality().getZone()).isEqualTo("a");
      assertThat(g.getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue()).isEqualTo(9999);
      assertThat(g.getLbEndpoints(0).getLoadBalancingWeight().getValue()).isEqualTo(3);
    });
    assertThat(cla.get("outbound|9080|v1|ratings.default.svc.cluster.local").getEndpoints(0).getLbEndpoints(0)
        .getEndpoint().getAddress().getSocketAddress().getPortValue()).isEqualTo(8080);

    // The CORS filter (optional) where a route has a CORS policy, then the fault filter where a route
    // injects a fault, then the router: istiod's order.
    assertThat(filters(r.listeners().get(1)))
        .containsExactly(MirrorCorsBuilder.CORS_FILTER, ActionBuilder.FAULT_FILTER, SnapshotBuilder.ROUTER_FILTER);
    HttpFilter cors = r.listeners().get(1).getApiListener().getApiListener().unpack(HttpConnectionManager.class).getHttpFilters(0);
    assertThat(cors.getIsOptional()).isTrue();
    assertThat(cors.getTypedConfig().is(io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.class)).isTrue();
    assertThat(filters(r.listeners().get(0))).containsExactly(SnapshotBuilder.ROUTER_FILTER);
  }

  /**
   * gRPC's xDS clients drop a locality without {@code load_balancing_weight}; istiod writes the sum
   * of the locality's endpoint weights. Meshlet's client reads the endpoints and their weights back
   * unchanged (it does not use the locality weight).
   */
  @Test
  void everyLocalityIsWeightedWithTheSumOfItsEndpointWeights() {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: pay, namespace: default}
        spec:
          hosts: [pay.default.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 8080, name: http, protocol: HTTP}]
          endpoints:
          - {address: 10.0.0.1, weight: 3, locality: us-east/a, labels: {version: v1}}
          - {address: 10.0.0.2, weight: 2, locality: us-east/a, labels: {version: v2}}
          - {address: 10.0.0.3, locality: us-west, labels: {version: v1}}
          - {address: 10.0.0.4, labels: {version: v1}}
          - {address: 10.0.0.5, weight: 2147483647, locality: eu/b, labels: {version: v2}}
          - {address: 10.0.0.6, weight: 2147483647, locality: eu/b, labels: {version: v2}}
          - {address: 10.0.0.7, weight: 2147483647, locality: eu/b, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: pay, namespace: default}
        spec:
          host: pay.default.svc.cluster.local
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        """;
    SnapshotBuilder.Resources r = build(yaml, "default", Map.of());
    Map<String, ClusterLoadAssignment> cla = r.endpoints().stream()
        .collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity()));
    assertThat(localityWeights(cla.get("outbound|8080||pay.default.svc.cluster.local")))
        .containsExactly("us-east/a=5", "us-west=1", "=1", "eu/b=2147483647"); // 3 x (2^31 - 1) saturates (grpc-java drops >= 2^31)
    assertThat(localityWeights(cla.get("outbound|8080|v1|pay.default.svc.cluster.local"))).containsExactly("us-east/a=3", "us-west=1", "=1");
    assertThat(localityWeights(cla.get("outbound|8080|v2|pay.default.svc.cluster.local"))).containsExactly("us-east/a=2", "eu/b=2147483647");

    Translation t = XdsTranslator.translate(resources(r), "default");
    assertThat(t.problems()).isEmpty();
    assertThat(endpoints(t.config())).isEqualTo(endpoints(parse(yaml)));
  }

  /** pay in four localities, two versions; {@code %s}: the localityLbSetting. RoundTripTest routes it too. */
  static final String PAY_BY_LOCALITY = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: pay, namespace: default}
      spec:
        hosts: [pay.default.svc.cluster.local]
        location: MESH_INTERNAL
        resolution: STATIC
        ports: [{number: 8080, name: http, protocol: HTTP}]
        endpoints:
        - {address: 10.0.0.1, locality: us-east/a, labels: {version: v1}}
        - {address: 10.0.0.2, weight: 3, locality: us-east/b, labels: {version: v1}}
        - {address: 10.0.0.3, locality: us-west/c, labels: {version: v2}}
        - {address: 10.0.0.4, locality: eu/d, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: pay, namespace: default}
      spec:
        host: pay.default.svc.cluster.local
        trafficPolicy:
          outlierDetection: {consecutive5xxErrors: 1}
          loadBalancer: {simple: RANDOM, localityLbSetting: %s}
        subsets: [{name: v2, labels: {version: v2}}]
      """;

  /**
   * istiod computes priorities per proxy locality (same zone 0, same region 1, then the failover
   * region before the others) and serves them as each group's {@code priority}; the node's locality
   * is part of its key, so nodes elsewhere get their own assignment. Meshlet's client reads them back.
   */
  @Test
  void localityFailoverIsServedAsPrioritiesForTheNodesLocality() {
    MeshConfig config = parse(PAY_BY_LOCALITY.formatted("{failover: [{from: us-east, to: eu}]}"));
    SnapshotBuilder.Resources east = SnapshotBuilder.build(config, new NodeKey("default", Map.of(), List.of(), false, "us-east/a"));
    ClusterLoadAssignment cla = east.endpoints().stream()
        .filter(c -> c.getClusterName().equals("outbound|8080||pay.default.svc.cluster.local")).findFirst().orElseThrow();
    assertThat(cla.getEndpointsList()).extracting(g -> locality(g.getLocality()) + "@" + g.getPriority())
        .containsExactly("us-east/a@0", "us-east/b@1", "eu/d@2", "us-west/c@3");
    SnapshotBuilder.Resources west = SnapshotBuilder.build(config, new NodeKey("default", Map.of(), List.of(), false, "us-west/c"));
    assertThat(west.endpoints().stream().filter(c -> c.getClusterName().equals(cla.getClusterName())).findFirst().orElseThrow()
        .getEndpointsList()).extracting(g -> locality(g.getLocality()) + "@" + g.getPriority())
        .containsExactly("us-west/c@0", "us-east/a@1", "us-east/b@1", "eu/d@1");

    Translation t = XdsTranslator.translate(resources(east), "default");
    assertThat(t.problems()).isEmpty();
    assertThat(t.config().serviceEntries().get(0).endpoints()).extracting(e -> e.address() + "@" + e.priority())
        .containsExactlyInAnyOrder("10.0.0.1@0", "10.0.0.2@1", "10.0.0.4@2", "10.0.0.3@3");
  }

  /** With distribute, istiod writes the computed locality weights, drops unmatched localities and sets locality_weighted_lb_config. */
  @Test
  void distributeIsServedAsLocalityWeights() {
    MeshConfig config = parse(PAY_BY_LOCALITY.formatted("{distribute: [{from: us-east/*, to: {\"us-east/*\": 75, \"eu/*\": 25}}]}"));
    SnapshotBuilder.Resources r = SnapshotBuilder.build(config, new NodeKey("default", Map.of(), List.of(), false, "us-east/a"));
    String name = "outbound|8080||pay.default.svc.cluster.local";
    ClusterLoadAssignment cla = r.endpoints().stream().filter(c -> c.getClusterName().equals(name)).findFirst().orElseThrow();
    // us-east/a and us-east/b share 75 by their endpoint weights (1 and 3): ceil(75 × 1/4) = 19, ceil(75 × 3/4) = 57.
    assertThat(localityWeights(cla)).containsExactly("us-east/a=19", "us-east/b=57", "eu/d=25");
    assertThat(r.clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow()
        .getCommonLbConfig().hasLocalityWeightedLbConfig()).isTrue();
    Translation t = XdsTranslator.translate(resources(r), "default");
    assertThat(t.problems()).isEmpty();
    assertThat(t.config().serviceEntries().get(0).endpoints()).extracting(e -> e.address() + "=" + e.localityWeight())
        .containsExactly("10.0.0.1=19", "10.0.0.2=57", "10.0.0.4=25");
  }

  /** "region/zone=weight" per locality of {@code cla}, in order. */
  private static List<String> localityWeights(ClusterLoadAssignment cla) {
    return cla.getEndpointsList().stream().map(g -> {
      assertThat(g.hasLoadBalancingWeight()).as("locality weight set").isTrue();
      return locality(g.getLocality()) + "=" + Integer.toUnsignedString(g.getLoadBalancingWeight().getValue());
    }).toList();
  }

  private static String locality(io.envoyproxy.envoy.config.core.v3.Locality l) {
    return String.join("/", java.util.stream.Stream.of(l.getRegion(), l.getZone(), l.getSubZone()).filter(p -> !p.isEmpty()).toList());
  }

  /** "address weight locality" of every endpoint of every ServiceEntry, sorted. */
  private static List<String> endpoints(MeshConfig config) {
    return config.serviceEntries().stream().flatMap(se -> se.endpoints().stream())
        .map(e -> e.address() + " " + e.weight() + " " + e.locality()).sorted().toList();
  }

  @Test
  void simpleAndMutualTlsAreNotServedWithAWarningPerClusterNamingTheDestinationRule() {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: pay, namespace: default}
        spec:
          hosts: [pay.example.com]
          location: MESH_EXTERNAL
          resolution: DNS
          ports: [{number: 443, name: https, protocol: HTTP}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: pay-tls, namespace: default}
        spec:
          host: pay.example.com
          trafficPolicy: {tls: {mode: SIMPLE}}
          subsets:
          - name: v1
            labels: {version: v1}
            trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
        """;
    SnapshotBuilder.Resources r = build(yaml, "default", Map.of());
    assertThat(r.clusters()).extracting(Cluster::getName).containsExactly("outbound|443||pay.example.com",
        "outbound|443|v1|pay.example.com");
    assertThat(r.clusters().get(0).hasTransportSocket()).isFalse();
    assertThat(r.clusters().get(1).hasTransportSocket()).isTrue();
    assertThat(r.warnings()).singleElement().satisfies(w -> assertThat(w)
        .contains("DestinationRule default/pay-tls").contains("SIMPLE").contains("outbound|443||pay.example.com")
        .contains("plaintext"));
    assertThat(build(Bookinfo.yaml("v2"), "default", Map.of()).warnings()).isEmpty();
  }

  /**
   * A DNS ServiceEntry: Meshlet's client gets STRICT_DNS clusters carrying the names (it resolves them
   * when it connects); gRPC's own clients, which NACK STRICT_DNS, get what istiod's grpcgen serves them,
   * EDS clusters whose assignments have no endpoints, and a warning says so. Both translate back.
   */
  @Test
  void aDnsServiceEntryIsServedToGrpcAsIstiodServesIt() {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ext, namespace: default}
        spec:
          hosts: [ext.example.com]
          location: MESH_EXTERNAL
          resolution: DNS
          ports: [{number: 9090, name: grpc, protocol: GRPC}]
          endpoints: [{address: ext-1.example.com, labels: {version: v1}}, {address: 192.0.2.7, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ext, namespace: default}
        spec:
          host: ext.example.com
          subsets: [{name: v1, labels: {version: v1}}]
        """;
    MeshConfig config = parse(yaml);
    List<String> clusters = List.of("outbound|9090||ext.example.com", "outbound|9090|v1|ext.example.com");

    SnapshotBuilder.Resources meshlet = SnapshotBuilder.build(config, new NodeKey("default", Map.of()));
    assertThat(meshlet.clusters()).extracting(Cluster::getName).containsExactlyElementsOf(clusters);
    assertThat(meshlet.clusters()).extracting(Cluster::getType).containsOnly(Cluster.DiscoveryType.STRICT_DNS);
    assertThat(meshlet.clusters().get(0).getLoadAssignment().getEndpoints(0).getLbEndpointsCount()).isEqualTo(2);
    assertThat(meshlet.endpoints()).isEmpty();
    assertThat(meshlet.warnings()).isEmpty();
    Translation back = XdsTranslator.translate(resources(meshlet), "default");
    assertThat(back.problems()).isEmpty();
    assertThat(back.config().serviceEntries()).singleElement().satisfies(se -> {
      assertThat(se.resolution()).isEqualTo(io.meshlet.core.model.ServiceEntry.Resolution.DNS);
      assertThat(se.endpoints()).extracting(e -> e.address()).containsExactly("ext-1.example.com", "192.0.2.7");
    });

    SnapshotBuilder.Resources grpc = SnapshotBuilder.build(config, new NodeKey("default", Map.of(), List.of(), true));
    assertThat(grpc.clusters()).extracting(Cluster::getName).containsExactlyElementsOf(clusters);
    assertThat(grpc.clusters()).allSatisfy(c -> {
      assertThat(c.getType()).isEqualTo(Cluster.DiscoveryType.EDS);
      assertThat(c.getEdsClusterConfig().getServiceName()).isEqualTo(c.getName());
      assertThat(c.hasLoadAssignment()).isFalse();
    });
    assertThat(grpc.endpoints()).extracting(ClusterLoadAssignment::getClusterName).containsExactlyElementsOf(clusters);
    assertThat(grpc.endpoints()).allSatisfy(cla -> assertThat(cla.getEndpointsCount()).isZero());
    assertThat(grpc.warnings()).singleElement().satisfies(w -> assertThat(w).contains("ServiceEntry default/ext")
        .contains("resolution DNS").contains("gRPC").contains("ext.example.com").contains("UNAVAILABLE"));
    Translation grpcBack = XdsTranslator.translate(resources(grpc), "default");
    assertThat(grpcBack.problems()).isEmpty();
    assertThat(grpcBack.config().serviceEntries()).singleElement().satisfies(se -> assertThat(se.endpoints()).isEmpty());

    // Everything else is served to both alike.
    assertThat(SnapshotBuilder.build(parse(Bookinfo.yaml("v2")), new NodeKey("default", Map.of(), List.of(), true)))
        .isEqualTo(build(Bookinfo.yaml("v2"), "default", Map.of()));
  }

  /** gRPC's clients name themselves in {@code user_agent_name}; Meshlet's client sends none. */
  @Test
  void grpcClientsAreKnownByTheirUserAgent() {
    io.envoyproxy.envoy.config.core.v3.Node.Builder node = io.envoyproxy.envoy.config.core.v3.Node.newBuilder().setId("n");
    assertThat(NodeKey.of(node.clone().setUserAgentName("gRPC Java").build(), "default").proxylessGrpc()).isTrue();
    assertThat(NodeKey.of(node.clone().setUserAgentName("gRPC Go").build(), "default").proxylessGrpc()).isTrue();
    assertThat(NodeKey.of(node.clone().build(), "default").proxylessGrpc()).isFalse();
    assertThat(NodeKey.of(node.clone().setUserAgentName("envoy").build(), "default").proxylessGrpc()).isFalse();
  }

  @Test
  void whatIsServedTranslatesBackWithoutProblems() {
    SnapshotBuilder.Resources r = build(Bookinfo.yaml("v2"), "default", Map.of());
    Translation t = XdsTranslator.translate(resources(r), "default");
    assertThat(t.problems()).isEmpty();
  }

  @Test
  void shortNamesAreOnlyDomainsInTheSameNamespace() {
    SnapshotBuilder.Resources r = build(Bookinfo.yaml("v2"), "other", Map.of());
    assertThat(r.routes().get(0).getVirtualHosts(0).getDomainsList()).doesNotContain("reviews", "reviews:9080")
        .contains("reviews.default", REVIEWS);
  }

  @Test
  void sourceLabelsSourceNamespaceAndGatewaysSelectTheNode() {
    String yaml = Bookinfo.yaml("v2").replace("""
          - name: jason
            match:
            - headers:
                end-user: {exact: jason}
        """, """
          - name: jason
            match:
            - headers:
                end-user: {exact: jason}
              sourceLabels: {app: productpage}
            - headers:
                end-user: {exact: jason}
              sourceNamespace: test
            - headers:
                end-user: {exact: jason}
              gateways: [istio-system/ingress]
        """);
    assertThat(routeNames(build(yaml, "default", Map.of("app", "productpage")))).containsExactly("jason", "mobile", "split");
    assertThat(jasonRoutes(build(yaml, "default", Map.of("app", "productpage")))).isEqualTo(1);
    assertThat(jasonRoutes(build(yaml, "test", Map.of("app", "productpage")))).isEqualTo(2);
    assertThat(routeNames(build(yaml, "default", Map.of("app", "other")))).containsExactly("mobile", "split");
  }

  @Test
  void aVirtualServiceForGatewaysOnlyOrNotExportedIsNotServed() {
    String gatewaysOnly = Bookinfo.yaml("v2").replace("  hosts: [reviews]\n  http:", "  hosts: [reviews]\n  gateways: [bookinfo-gateway]\n  http:");
    assertThat(routeNames(build(gatewaysOnly, "default", Map.of()))).containsExactly("default");
    String hidden = Bookinfo.yaml("v2").replace("  hosts: [reviews]\n  http:", "  hosts: [reviews]\n  exportTo: [\".\"]\n  http:");
    assertThat(routeNames(build(hidden, "other", Map.of()))).containsExactly("default");
    assertThat(routeNames(build(hidden, "default", Map.of()))).containsExactly("jason", "mobile", "split");
  }

  static String policy(String namespace, String name, String spec) {
    return "---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: " + name
        + ", namespace: " + namespace + "}\nspec: " + spec + "\n";
  }

  static final String INBOUND = "xds.istio.io/grpc/lds/inbound/0.0.0.0:9080";

  /** The RBAC policy names of the inbound listener's DENY and ALLOW filters, as "DENY name" / "ALLOW name". */
  private static List<String> rbacPolicies(SnapshotBuilder.Resources r) throws Exception {
    Listener inbound = r.listeners().stream().filter(l -> l.getName().equals(INBOUND)).findFirst().orElseThrow();
    HttpConnectionManager hcm = inbound.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    List<String> out = new java.util.ArrayList<>();
    for (HttpFilter f : hcm.getHttpFiltersList()) {
      if (f.getName().startsWith(InboundBuilder.RBAC_ALLOW)) {
        var rbac = f.getTypedConfig().unpack(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.class).getRules();
        rbac.getPoliciesMap().keySet().stream().sorted().forEach(n -> out.add(rbac.getAction() + " " + n));
      }
    }
    return out;
  }

  @Test
  void customIsServedAsDenyAuditAndTargetRefsAreNot() throws Exception {
    String yaml = policy("default", "ext", "{action: CUSTOM, provider: {name: opa}, rules: [{to: [{operation: {paths: [/x]}}]}, {}]}")
        + policy("default", "audit", "{action: AUDIT, rules: [{}]}")
        + policy("default", "gateway", "{action: DENY, targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: gw}], rules: [{}]}")
        + policy("default", "service", "{action: ALLOW, targetRef: {kind: Service, group: \"\", name: reviews}, rules: [{}]}")
        + policy("default", "deny", "{action: DENY, rules: [{to: [{operation: {methods: [DELETE]}}]}]}");
    SnapshotBuilder.Resources r = SnapshotBuilder.build(parse(yaml), new NodeKey("default", Map.of("app", "reviews"), List.of(INBOUND)));
    // No ALLOW filter: the only ALLOW policy names a target, so it applies to no workload (as the engine decides).
    assertThat(rbacPolicies(r)).containsExactly("DENY custom-default-ext-0", "DENY custom-default-ext-1", "DENY default-deny-0");
    assertThat(XdsTranslator.translate(resources(r), "default").problems()).isEmpty();
  }

  /** RBAC policy names are not unique by construction; a rule whose name is taken is kept under another. */
  @Test
  void rulesWithTheSameRbacNameAreAllServed() throws Exception {
    NodeKey node = new NodeKey("default", Map.of(), List.of(INBOUND));
    String yaml = policy("default", "a-b", "{action: DENY, rules: [{to: [{operation: {paths: [/x]}}]}]}")
        + policy("default-a", "b", "{action: DENY, rules: [{to: [{operation: {paths: [/y]}}]}]}");
    assertThat(rbacPolicies(SnapshotBuilder.build(parse(yaml), node, "default-a")))
        .containsExactlyInAnyOrder("DENY default-a-b-0", "DENY default-a-b-0-2");
    String custom = policy("default", "ext", "{action: CUSTOM, provider: {name: opa}, rules: [{to: [{operation: {paths: [/z]}}]}]}")
        + policy("custom-default", "ext", "{action: DENY, rules: [{to: [{operation: {paths: [/w]}}]}]}");
    assertThat(rbacPolicies(SnapshotBuilder.build(parse(custom), node, "custom-default")))
        .containsExactlyInAnyOrder("DENY custom-default-ext-0", "DENY custom-default-ext-0-2");
  }

  @Test
  void theRootNamespaceIsConfigurable() throws Exception {
    String yaml = policy("istio-system", "mesh", "{action: DENY, rules: [{to: [{operation: {paths: [/a]}}]}]}")
        + policy("mesh-root", "mesh", "{action: DENY, rules: [{to: [{operation: {paths: [/b]}}]}]}")
        + "---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: mesh-root}\n"
        + "spec: {mtls: {mode: DISABLE}}\n";
    NodeKey node = new NodeKey("default", Map.of("app", "reviews"), List.of(INBOUND));
    SnapshotBuilder.Resources byDefault = SnapshotBuilder.build(parse(yaml), node);
    assertThat(rbacPolicies(byDefault)).containsExactly("DENY istio-system-mesh-0");
    assertThat(byDefault.listeners().get(0).getFilterChainsCount()).isEqualTo(2); // PERMISSIVE: no mesh-wide mode
    SnapshotBuilder.Resources meshRoot = SnapshotBuilder.build(parse(yaml), node, "mesh-root");
    assertThat(rbacPolicies(meshRoot)).containsExactly("DENY mesh-root-mesh-0");
    assertThat(meshRoot.listeners().get(0).getFilterChainsList()).extracting(c -> c.getName()).containsExactly("inbound-plaintext");
  }

  private static List<String> routeNames(SnapshotBuilder.Resources r) {
    return r.routes().get(0).getVirtualHosts(0).getRoutesList().stream().map(Route::getName).distinct().toList();
  }

  private static long jasonRoutes(SnapshotBuilder.Resources r) {
    return r.routes().get(0).getVirtualHosts(0).getRoutesList().stream().filter(x -> x.getName().equals("jason")).count();
  }

  private static List<String> filters(Listener l) throws Exception {
    return l.getApiListener().getApiListener().unpack(HttpConnectionManager.class).getHttpFiltersList().stream()
        .map(HttpFilter::getName).toList();
  }

  static XdsResources resources(SnapshotBuilder.Resources r) {
    return new XdsResources(
        r.listeners().stream().collect(Collectors.toMap(Listener::getName, Function.identity())),
        r.routes().stream().collect(Collectors.toMap(RouteConfiguration::getName, Function.identity())),
        r.clusters().stream().collect(Collectors.toMap(Cluster::getName, Function.identity())),
        r.endpoints().stream().collect(Collectors.toMap(ClusterLoadAssignment::getClusterName, Function.identity())));
  }
}
