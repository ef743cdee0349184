package io.meshlet.xds.translate;

import static io.meshlet.xds.translate.Istiod.REVIEWS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.meshlet.core.Mesh;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.model.DirectResponse;
import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.model.HttpRedirect;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.StringMatch;
import io.meshlet.core.model.VirtualService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XdsRouteFeaturesTest {
  /**
   * Route header matchers on pseudo-headers, as Envoy accepts them and istiod writes them for
   * VirtualService {@code method}, {@code authority} and {@code scheme}: into the match's own fields,
   * {@code :path} as a prefix into its uri. The routes decide requests as Envoy would.
   */
  @Test
  void pseudoHeaderMatchersBecomeTheMatchFieldsTheyStandFor() {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName(Istiod.ROUTES)
        .addVirtualHosts(Istiod.reviewsHost()
            .addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/")
                    .addHeaders(HeaderMatcher.newBuilder().setName(":path").setStringMatch(
                        io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder().setPrefix("/api/")))
                    .addHeaders(HeaderMatcher.newBuilder().setName(":authority").setPrefixMatch("reviews"))
                    .addHeaders(HeaderMatcher.newBuilder().setName(":METHOD").setExactMatch("POST")))
                .setRoute(Istiod.action().setCluster(Istiod.V3)))
            .addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/")
                    .addHeaders(HeaderMatcher.newBuilder().setName(":path").setPresentMatch(true))
                    .addHeaders(HeaderMatcher.newBuilder().setName(":scheme").setExactMatch("http")))
                .setRoute(Istiod.action().setCluster(Istiod.V1))))
        .build();
    Translation t = XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(), Map.of(Istiod.ROUTES, rc)), "default");
    assertThat(t.problems()).isEmpty();
    List<HttpRoute> http = t.config().virtualServices().get(0).http();
    assertThat(http.get(0).matches().get(0).uri()).isEqualTo(StringMatch.prefix("/api/"));
    assertThat(http.get(0).matches().get(0).authority()).isEqualTo(StringMatch.prefix("reviews"));
    assertThat(http.get(0).matches().get(0).method()).isEqualTo(StringMatch.exact("POST"));
    assertThat(http.get(1).matches().get(0).uri()).isNull();
    assertThat(http.get(1).matches().get(0).scheme()).isEqualTo(StringMatch.exact("http"));

    try (Mesh mesh = XdsTranslatorTest.mesh(t)) {
      assertThat(mesh.explain(io.meshlet.core.explain.ExplainRequest.of("POST", "http://reviews:9080/api/1?x=1", Map.of()))
          .cluster()).isEqualTo(Istiod.V3);
      assertThat(mesh.explain(io.meshlet.core.explain.ExplainRequest.of("POST", "http://reviews:9080/apis", Map.of()))
          .cluster()).isEqualTo(Istiod.V1);
      assertThat(mesh.explain("http://reviews:9080/api/1", Map.of()).cluster()).isEqualTo(Istiod.V1);
    }
  }

  /** A {@code :path} matcher the model's uri cannot mean, or a pseudo-header the model lacks: an error naming the matcher. */
  @Test
  void pseudoHeaderMatchersTheModelCannotExpressAreErrorsWithTheirPath() {
    Map<HeaderMatcher, String> bad = new java.util.LinkedHashMap<>();
    bad.put(HeaderMatcher.newBuilder().setName(":path").setExactMatch("/api").build(), "':path' matched by exact '/api'");
    bad.put(HeaderMatcher.newBuilder().setName(":path").setPrefixMatch("/api?x").build(), "a prefix without '?'");
    bad.put(HeaderMatcher.newBuilder().setName(":protocol").setExactMatch("websocket").build(), "the route model has no :protocol");
    bad.put(HeaderMatcher.newBuilder().setName(":path").setPrefixMatch("/a").setInvertMatch(true).build(), "cannot negate :path");
    for (Map.Entry<HeaderMatcher, String> e : bad.entrySet()) {
      Translation t = withHeader(RouteMatch.newBuilder().setPrefix("/"), e.getKey());
      assertThat(t.errors()).as("%s", e.getKey()).singleElement().satisfies(err -> {
        assertThat(err.path()).startsWith("virtual_hosts[0].routes[0].match.headers[0]");
        assertThat(err.message()).contains(e.getValue());
      });
    }
    Translation withPath = withHeader(RouteMatch.newBuilder().setPath("/exact"),
        HeaderMatcher.newBuilder().setName(":path").setPrefixMatch("/e").build());
    assertThat(withPath.errors()).singleElement().satisfies(err -> assertThat(err.message())
        .contains("also matches the path exact '/exact'"));
    Translation caseless = withHeader(RouteMatch.newBuilder().setPrefix("/").setCaseSensitive(com.google.protobuf.BoolValue.of(false)),
        HeaderMatcher.newBuilder().setName(":path").setPrefixMatch("/e").build());
    assertThat(caseless.errors()).singleElement().satisfies(err -> assertThat(err.message()).contains("case_sensitive: false"));
  }

  /** A header name Envoy accepts that is no HTTP token: kept with a warning (the route compiles); CR or LF: an error. */
  @Test
  void aNonTokenHeaderNameIsKeptWithAWarningAndIsNeverPresent() {
    Translation t = withHeader(RouteMatch.newBuilder().setPrefix("/"),
        HeaderMatcher.newBuilder().setName("x user").setPresentMatch(true).build());
    assertThat(t.errors()).isEmpty();
    assertThat(t.warnings()).singleElement().satisfies(w -> {
      assertThat(w.path()).isEqualTo("virtual_hosts[0].routes[0].match.headers[0].name");
      assertThat(w.message()).contains("'x user'").contains("no request can carry this header");
    });
    try (Mesh mesh = XdsTranslatorTest.mesh(t)) {
      // OkHttp and the servlet containers refuse such a name, so no call has it: the catch-all route.
      assertThat(mesh.explain("http://reviews:9080/", Map.of("x-user", "1")).cluster()).isEqualTo(Istiod.V1);
    }
    Translation crlf = withHeader(RouteMatch.newBuilder().setPrefix("/"),
        HeaderMatcher.newBuilder().setName("x\r\nevil").setPresentMatch(true).build());
    assertThat(crlf.errors()).singleElement().satisfies(err -> assertThat(err.message()).contains("without NUL, CR or LF"));
  }

  /** Reviews with a first route {@code match} + {@code header} to v3 and a catch-all to v1. */
  private static Translation withHeader(RouteMatch.Builder match, HeaderMatcher header) {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName(Istiod.ROUTES)
        .addVirtualHosts(Istiod.reviewsHost()
            .addRoutes(Route.newBuilder().setMatch(match.addHeaders(header)).setRoute(Istiod.action().setCluster(Istiod.V3)))
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")).setRoute(Istiod.action().setCluster(Istiod.V1))))
        .build();
    return XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(), Map.of(Istiod.ROUTES, rc)), "default");
  }


  @Test
  void faultTimeoutMatchesRedirectAndDirectResponse() {
    HTTPFault fault = HTTPFault.newBuilder()
        .setDelay(FaultDelay.newBuilder().setFixedDelay(Duration.newBuilder().setSeconds(7))
            .setPercentage(FractionalPercent.newBuilder().setNumerator(50).setDenominator(FractionalPercent.DenominatorType.HUNDRED)))
        .setAbort(FaultAbort.newBuilder().setGrpcStatus(14)
            .setPercentage(FractionalPercent.newBuilder().setNumerator(1000).setDenominator(FractionalPercent.DenominatorType.TEN_THOUSAND)))
        .build();
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName(Istiod.ROUTES)
        .addVirtualHosts(Istiod.reviewsHost()
            .addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/slow")
                    .addHeaders(HeaderMatcher.newBuilder().setName("x-canary").setPresentMatch(true).setInvertMatch(true))
                    .addHeaders(HeaderMatcher.newBuilder().setName(":method").setExactMatch("GET")))
                .setRoute(Istiod.timeout(Istiod.action().setCluster(Istiod.V1), Duration.newBuilder().setSeconds(3).build()))
                .putTypedPerFilterConfig("envoy.filters.http.fault", Any.pack(fault)))
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPath("/old"))
                .setRedirect(RedirectAction.newBuilder().setPathRedirect("/new").setResponseCode(RedirectAction.RedirectResponseCode.FOUND)))
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/older/"))
                .setRedirect(RedirectAction.newBuilder().setPrefixRewrite("/newer/")))
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setDirectResponse(DirectResponseAction.newBuilder().setStatus(418)
                    .setBody(DataSource.newBuilder().setInlineString("teapot")))))
        .build();
    Translation t = XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(), Map.of(Istiod.ROUTES, rc)), "default");
    assertThat(t.problems()).isEmpty();
    VirtualService vs = t.config().virtualServices().get(0);

    HttpRoute slow = vs.http().get(0);
    assertThat(slow.timeout()).hasSeconds(3);
    assertThat(slow.matches().get(0).uri()).isEqualTo(StringMatch.prefix("/slow"));
    assertThat(slow.matches().get(0).method()).isEqualTo(StringMatch.exact("GET"));
    assertThat(slow.matches().get(0).withoutHeaders()).isEqualTo(Map.of("x-canary", StringMatch.present()));
    assertThat(slow.fault()).isEqualTo(new FaultInjection(
        new FaultInjection.Delay(java.time.Duration.ofSeconds(7), 50.0),
        new FaultInjection.Abort(503, "UNAVAILABLE", 10.0)));
    assertThat(vs.http().get(1).redirect()).isEqualTo(new HttpRedirect("/new", null, 0, null, null, 302));
    assertThat(vs.http().get(2).redirect()).isEqualTo(new HttpRedirect(null, null, 0, null, null, 301, "/newer/"));
    assertThat(vs.http().get(3).directResponse()).isEqualTo(DirectResponse.of(418, "teapot"));

    try (Mesh mesh = XdsTranslatorTest.mesh(t)) {
      assertThat(mesh.explain("http://reviews:9080/slow", Map.of("x-canary", "1")).matchedRule()).isEqualTo(3);
      assertThat(mesh.explain("http://reviews:9080/slow", Map.of()).cluster()).isEqualTo(Istiod.V1);
      assertThat(mesh.explain("http://reviews:9080/old", Map.of()).outcome()).isEqualTo(Explanation.Outcome.REDIRECT);
      assertThat(mesh.explain("http://reviews:9080/x", Map.of()).outcome()).isEqualTo(Explanation.Outcome.DIRECT_RESPONSE);
    }
  }

  /**
   * The timeout is read as gRPC reads it (grpc-java's {@code XdsRouteConfigureResource}): {@code
   * max_stream_duration.grpc_timeout_header_max}, else {@code max_stream_duration.max_stream_duration},
   * and only when the route's {@code max_stream_duration} sets neither, Envoy's {@code timeout}.
   */
  @Test
  void theTimeoutIsReadAsGrpcReadsIt() {
    Duration s1 = Duration.newBuilder().setSeconds(1).build();
    Duration s2 = Duration.newBuilder().setSeconds(2).build();
    Duration s3 = Duration.newBuilder().setSeconds(3).build();
    Duration zero = Duration.getDefaultInstance();
    RouteAction.MaxStreamDuration.Builder msd = RouteAction.MaxStreamDuration.newBuilder();
    assertThat(timeout(RouteAction.newBuilder().setTimeout(s3)
        .setMaxStreamDuration(msd.clone().setMaxStreamDuration(s2).setGrpcTimeoutHeaderMax(s1)))).hasSeconds(1);
    assertThat(timeout(RouteAction.newBuilder().setTimeout(s3).setMaxStreamDuration(msd.clone().setMaxStreamDuration(s2))))
        .hasSeconds(2);
    assertThat(timeout(RouteAction.newBuilder().setTimeout(s3).setMaxStreamDuration(msd.clone()))).hasSeconds(3);
    assertThat(timeout(RouteAction.newBuilder().setTimeout(s3))).hasSeconds(3);
    assertThat(timeout(RouteAction.newBuilder().setMaxStreamDuration(msd.clone().setMaxStreamDuration(s2)))).hasSeconds(2);
    // 0 is no timeout, wherever it is read from; a set max_stream_duration of 0 wins over timeout, as in gRPC.
    assertThat(timeout(RouteAction.newBuilder().setTimeout(s3).setMaxStreamDuration(msd.clone().setMaxStreamDuration(zero))))
        .isNull();
    assertThat(timeout(Istiod.action())).isNull();
    assertThat(timeout(RouteAction.newBuilder())).isNull();
  }

  private static java.time.@org.jspecify.annotations.Nullable Duration timeout(RouteAction.Builder action) {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName(Istiod.ROUTES)
        .addVirtualHosts(Istiod.reviewsHost().addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(action.setCluster(Istiod.V1).setRetryPolicy(Istiod.action().getRetryPolicy()))))
        .build();
    Translation t = XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(), Map.of(Istiod.ROUTES, rc)), "default");
    assertThat(t.problems()).isEmpty();
    return t.config().virtualServices().get(0).http().get(0).timeout();
  }

  @Test
  void twoPortsMakeOneVirtualServiceWithPortRestrictedRules() {
    String admin = "outbound|9090||" + REVIEWS;
    RouteConfiguration rc9090 = RouteConfiguration.newBuilder().setName(REVIEWS + ":9090")
        .addVirtualHosts(VirtualHost.newBuilder().addDomains(REVIEWS).addDomains("reviews:9090")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(Istiod.action().setCluster(admin))))
        .build();
    XdsResources base = Istiod.with(Istiod.reviews(),
        Map.of(REVIEWS + ":9090", Istiod.listener(REVIEWS + ":9090", Istiod.hcm(REVIEWS + ":9090"))),
        Map.of(REVIEWS + ":9090", rc9090));
    java.util.Map<String, Cluster> clusters = new java.util.LinkedHashMap<>(base.clusters());
    clusters.put(admin, Istiod.edsCluster(admin).toBuilder().setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN).build());
    java.util.Map<String, io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment> eps = new java.util.LinkedHashMap<>(base.endpoints());
    eps.put(admin, Istiod.cla(admin, Istiod.endpoint("10.0.0.1", 19090, HealthStatus.HEALTHY)));
    Translation t = XdsTranslator.translate(new XdsResources(base.listeners(), base.routes(), clusters, eps), "default");

    assertThat(t.problems()).isEmpty();
    assertThat(t.config().virtualServices()).hasSize(1);
    VirtualService vs = t.config().virtualServices().get(0);
    assertThat(vs.http()).extracting(r -> r.matches().get(0).port()).containsExactly(9080, 9080, 9090);
    assertThat(t.config().serviceEntries().get(0).endpoints().get(0).ports()).isEqualTo(Map.of("xds-9080", 9080, "xds-9090", 19090));
    assertThat(t.config().destinationRules().get(0).trafficPolicy().loadBalancerFor(9090).simple())
        .isEqualTo(LoadBalancerSettings.Simple.ROUND_ROBIN);

    try (Mesh mesh = XdsTranslatorTest.mesh(t)) {
      Explanation e = mesh.explain("http://reviews:9090/admin", Map.of("end-user", "jason"));
      assertThat(e.cluster()).isEqualTo(admin);
      assertThat(e.endpoint()).isEqualTo("10.0.0.1:19090");
    }
  }

  @Test
  void ringHashTakesTheRoutesHeaderKeyAndPlainClusterNamesWorkOnAnyPort() {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName("r")
        .addVirtualHosts(VirtualHost.newBuilder().addDomains("*")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster("backend")
                    .addHashPolicy(RouteAction.HashPolicy.newBuilder()
                        .setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName("X-User"))))))
        .build();
    Cluster backend = Cluster.newBuilder().setName("backend").setType(Cluster.DiscoveryType.STATIC)
        .setLbPolicy(Cluster.LbPolicy.RING_HASH)
        .setLoadAssignment(Istiod.cla("backend", Istiod.endpoint("10.9.0.1", 8080, HealthStatus.HEALTHY),
            Istiod.endpoint("10.9.0.2", 8080, HealthStatus.HEALTHY)))
        .build();
    Translation t = XdsTranslator.translate(new XdsResources(
        Map.of("backend", Istiod.listener("backend", Istiod.hcm("r"))), Map.of("r", rc),
        Map.of("backend", backend), Map.of()), "default");

    assertThat(t.problems()).isEmpty();
    assertThat(t.config().destinationRules().get(0).trafficPolicy().loadBalancerFor(0)).isEqualTo(new LoadBalancerSettings(null,
        new LoadBalancerSettings.ConsistentHash(LoadBalancerSettings.ConsistentHash.HashOn.HTTP_HEADER_NAME, "x-user", 1024)));
    try (Mesh mesh = XdsTranslatorTest.mesh(t)) {
      Explanation e = mesh.explain("http://backend:8080/", Map.of("x-user", "u1"));
      assertThat(e.cluster()).isEqualTo("outbound|0||backend");
      assertThat(e.endpoint()).isIn("10.9.0.1:8080", "10.9.0.2:8080");
      for (int i = 0; i < 20; i++) {
        assertThat(mesh.explain("http://backend:8080/", Map.of("x-user", "u1")).endpoint()).isEqualTo(e.endpoint());
      }
    }
  }

  @Test
  void clusterNames() {
    assertThat(ClusterNames.parse("outbound|9080|v1|Reviews.default.svc.cluster.local"))
        .isEqualTo(new ClusterNames.Parsed(REVIEWS, 9080, "v1", true));
    assertThat(ClusterNames.parse("outbound|9080||x")).isEqualTo(new ClusterNames.Parsed("x", 9080, null, true));
    assertThat(ClusterNames.parse("backend")).isEqualTo(new ClusterNames.Parsed("backend", 0, null, false));
    assertThat(ClusterNames.parse("outbound|0||x")).isNull();
    assertThat(ClusterNames.parse("outbound|9080|x")).isNull();
    assertThat(ClusterNames.parse("outbound|9080|v1|")).isNull();
    assertThat(ClusterNames.parse("inbound|9080||x")).isNull();
    assertThat(Domains.listenerPort("reviews.default.svc.cluster.local:9080")).isEqualTo(9080);
    assertThat(Domains.listenerPort("backend")).isZero();
    assertThat(Domains.stripPort("[::1]:80")).isEqualTo("[::1]");
  }

  @Test
  void domainsFoldTheAliasesTheRouteTableDerivesBackIntoTheirHost() {
    Problems problems = new Problems("RouteConfiguration", "r");
    assertThat(Domains.hosts(List.of(REVIEWS, REVIEWS + ":9080", "reviews", "reviews:9080", "reviews.default",
        "reviews.default:9080", "reviews.default.svc", "reviews.default.svc:9080"), "default", "domains", problems))
        .containsExactly(REVIEWS);
    // Not a Kubernetes service name: the route table derives no alias for it, so both names stay hosts.
    assertThat(Domains.hosts(List.of("a.b.c.svc.cluster.local", "a.b.c"), "default", "domains", problems))
        .containsExactly("a.b.c.svc.cluster.local", "a.b.c");
    assertThat(problems.hasErrors()).isFalse();
  }
}
