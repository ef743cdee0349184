package io.meshlet.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.meshlet.core.config.ConfigProblem;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each error and warning, with its exact text; a bad resource is left out and the rest translated. */
class XdsProblemsTest {

  @Test
  void badRegexLeavesTheRouteConfigurationOut() {
    RouteConfiguration bad = Istiod.reviewsRoutes().toBuilder()
        .setVirtualHosts(0, Istiod.reviewsRoutes().getVirtualHosts(0).toBuilder()
            .setRoutes(1, Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("/(reviews")))
                .setRoute(Istiod.action().setCluster(Istiod.V1))))
        .build();
    Translation t = XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(), Map.of(Istiod.ROUTES, bad)), "default");

    assertThat(t.problems()).containsExactly(ConfigProblem.error("RouteConfiguration", Istiod.ROUTES, "xds",
        "virtual_hosts[0].routes[1].match.safe_regex.regex", "'/(reviews' (expected: a valid RE2 regex; missing closing ))"));
    assertThat(t.config().virtualServices()).isEmpty();
    assertThat(t.config().serviceEntries()).hasSize(1);
  }

  @Test
  void unsupportedHttpFilterIsIgnored() {
    Listener l = Istiod.listener(Istiod.LISTENER, Istiod.hcm(Istiod.ROUTES).toBuilder()
        .addHttpFilters(0, HttpFilter.newBuilder().setName("envoy.filters.http.rbac").setTypedConfig(Any.pack(RBAC.getDefaultInstance())))
        .build());
    Translation t = XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(Istiod.LISTENER, l), Map.of()), "default");

    assertThat(t.problems()).containsExactly(ConfigProblem.warning("Listener", Istiod.LISTENER, "xds",
        "api_listener.api_listener.http_filters[0]",
        "ignored: http filter envoy.filters.http.rbac (type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC) is not applied by Meshlet"));
    assertThat(t.config().virtualServices()).hasSize(1);
  }

  @Test
  void aListenerThatIsNotAnHttpConnectionManagerIsAnError() {
    Listener l = Listener.newBuilder().setName("x:80")
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(RBAC.getDefaultInstance()))).build();
    Listener server = Listener.newBuilder().setName("xds.istio.io/grpc/lds/inbound/0.0.0.0:8080").build();
    Translation t = XdsTranslator.translate(
        new XdsResources(Map.of("x:80", l, server.getName(), server), Map.of(), Map.of(), Map.of()), "default");

    assertThat(t.problems()).containsExactly(
        ConfigProblem.error("Listener", "x:80", "xds", "api_listener.api_listener",
            "'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC' (expected: "
                + "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager)"),
        ConfigProblem.warning("Listener", server.getName(), "xds", "api_listener",
            "ignored: not an API listener (server-side listeners are not used by Meshlet's clients)"));
  }

  @Test
  void aClusterNameThatIsNotOneIsAnError() {
    Map<String, Cluster> clusters = new LinkedHashMap<>(Istiod.reviews().clusters());
    clusters.put("outbound|http||reviews", Istiod.edsCluster("outbound|http||reviews"));
    XdsResources r = Istiod.reviews();
    Translation t = XdsTranslator.translate(new XdsResources(r.listeners(), r.routes(), clusters, r.endpoints()), "default");

    assertThat(t.problems()).containsExactly(ConfigProblem.error("Cluster", "outbound|http||reviews", "xds", "name",
        "'outbound|http||reviews' (expected: outbound|<port>|<subset>|<host>, or a name without '|')"));
    assertThat(t.config().serviceEntries()).hasSize(1);
  }

  @Test
  void clusterHeaderIsAnErrorAndUnknownRetryOnAWarning() {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName("r")
        .addVirtualHosts(Istiod.reviewsHost()
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setClusterHeader("x-cluster"))))
        .build();
    Translation t = XdsTranslator.translate(new XdsResources(
        Map.of("l", Istiod.listener("l", Istiod.hcm("r"))), Map.of("r", rc), Map.of(), Map.of()), "default");
    assertThat(t.problems()).containsExactly(ConfigProblem.error("RouteConfiguration", "r", "xds",
        "virtual_hosts[0].routes[0].route.cluster_header", "'x-cluster' is not supported (expected: cluster or weighted_clusters)"));

    RouteConfiguration retries = Istiod.reviewsRoutes().toBuilder().setName("r")
        .setVirtualHosts(0, Istiod.reviewsHost().addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(Istiod.action().setCluster(Istiod.BASE).setRetryPolicy(
                io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder().setRetryOn("5xx,retriable-headers")))))
        .build();
    Translation t2 = XdsTranslator.translate(new XdsResources(
        Map.of("l", Istiod.listener("l", Istiod.hcm("r"))), Map.of("r", retries), Map.of(), Map.of()), "default");
    assertThat(t2.problems()).containsExactly(ConfigProblem.warning("RouteConfiguration", "r", "xds",
        "virtual_hosts[0].routes[0].route.retry_policy.retry_on", "'retriable-headers' is not applied by Meshlet; ignored"));
    var policy = t2.config().virtualServices().get(0).http().get(0).retries();
    assertThat(policy.attempts()).isEqualTo(1); // Envoy's default num_retries
    assertThat(policy.retryOn()).containsExactly(io.meshlet.core.model.RetryPolicy.Condition.FIVE_XX);
  }

  @Test
  void prioritiesAndLocalityWeightsAreKeptAndAPipeAddressIsAnError() {
    XdsResources r = Istiod.reviews();
    Map<String, ClusterLoadAssignment> endpoints = new LinkedHashMap<>(r.endpoints());
    endpoints.put(Istiod.BASE, r.endpoints().get(Istiod.BASE).toBuilder()
        .addEndpoints(LocalityLbEndpoints.newBuilder().setPriority(1)
            .setLocality(io.envoyproxy.envoy.config.core.v3.Locality.newBuilder().setRegion("eu").setZone("b"))
            .setLoadBalancingWeight(com.google.protobuf.UInt32Value.of(7))
            .addLbEndpoints(Istiod.endpoint("10.1.0.1", 9080, HealthStatus.HEALTHY)))
        .build());
    endpoints.put(Istiod.V1, ClusterLoadAssignment.newBuilder().setClusterName(Istiod.V1)
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
            .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setPipe(Pipe.newBuilder().setPath("/tmp/s"))))))
        .build());
    Map<String, Cluster> clusters = new LinkedHashMap<>(r.clusters());
    Translation t = XdsTranslator.translate(new XdsResources(r.listeners(), r.routes(), clusters, endpoints), "default");

    assertThat(t.problems()).containsExactlyInAnyOrder(
        ConfigProblem.error("ClusterLoadAssignment", Istiod.V1, "xds", "endpoints[0].lb_endpoints[0].endpoint.address",
            "pipe (expected: socket_address)"));
    // The v1 assignment is left out: 10.0.0.1 is still an endpoint of the base cluster, without the v1 label.
    var eps = t.config().serviceEntries().get(0).endpoints();
    assertThat(eps).extracting(e -> e.address()).containsExactly("10.0.0.1", "10.0.0.2", "10.1.0.1", "10.0.0.3");
    assertThat(eps.get(0).labels()).isEmpty();
    assertThat(eps).extracting(e -> e.priority()).containsExactly(0, 0, 1, 0);
    assertThat(eps.get(2).locality()).isEqualTo("eu/b");
    assertThat(eps).as("locality weights only with locality_weighted_lb_config").extracting(e -> e.localityWeight())
        .containsOnly(0);

    clusters.put(Istiod.BASE, clusters.get(Istiod.BASE).toBuilder().setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
        .setLocalityWeightedLbConfig(Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance())).build());
    Translation weighted = XdsTranslator.translate(new XdsResources(r.listeners(), r.routes(), clusters, endpoints), "default");
    assertThat(weighted.config().serviceEntries().get(0).endpoints().get(2).localityWeight()).isEqualTo(7);
  }

  @Test
  void aHashPolicyTheModelCannotCarryIsIgnored() {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName(Istiod.ROUTES)
        .addVirtualHosts(Istiod.reviewsHost().addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(Istiod.action().setCluster(Istiod.BASE).addHashPolicy(RouteAction.HashPolicy.newBuilder()
                .setFilterState(RouteAction.HashPolicy.FilterState.newBuilder().setKey("k"))))))
        .build();
    XdsResources r = Istiod.with(Istiod.reviews(), Map.of(), Map.of(Istiod.ROUTES, rc));
    Map<String, Cluster> clusters = new LinkedHashMap<>(r.clusters());
    clusters.put(Istiod.BASE, clusters.get(Istiod.BASE).toBuilder().setLbPolicy(Cluster.LbPolicy.RING_HASH).build());
    Translation t = XdsTranslator.translate(new XdsResources(r.listeners(), r.routes(), clusters, r.endpoints()), "default");

    assertThat(t.problems()).containsExactly(
        ConfigProblem.warning("RouteConfiguration", Istiod.ROUTES, "xds", "virtual_hosts[0].routes[0].route.hash_policy[0]",
            "ignored: filter_state is not representable (expected: header, cookie, query_parameter or connection_properties.source_ip)"),
        ConfigProblem.warning("Cluster", Istiod.BASE, "xds", "lb_policy",
            "RING_HASH: no route to this cluster has a hash_policy (expected: exactly one key, which the model keeps on the cluster); requests are spread at random"));
    assertThat(t.config().destinationRules().get(0).trafficPolicy().loadBalancerFor(9080).simple())
        .isEqualTo(io.meshlet.core.model.LoadBalancerSettings.Simple.RANDOM);
  }

  @Test
  void errorsCarryTheResourceAndPath() {
    ConfigProblem p = ConfigProblem.error("Cluster", "c", "xds", "name", "x");
    assertThat(p.toString()).isEqualTo("Cluster c (xds): name: x");
  }
}
