package io.meshlet.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.meshlet.core.config.ConfigProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, xDS side: each resource that once threw in translation or was accepted against Envoy's
 * rules is now an error of that resource, with its path, found in bounded time.
 */
class XdsBadInputTest {
  private static final Duration MAX = Duration.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(999_999_999).build();
  private static final Duration PROTO_MAX = Duration.newBuilder().setSeconds(315_576_000_000L).build();
  private static final Duration NEGATIVE = Duration.newBuilder().setSeconds(-1).build();
  private static final Duration ONE_NANO = Duration.newBuilder().setNanos(1).build();

  private static List<String> errors(Translation t) {
    return t.problems().stream().filter(ConfigProblem::isError).map(p -> p.kind() + " " + p.path() + ": " + p.message()).toList();
  }

  private static Translation withRoute(RouteAction.Builder action) {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName(Istiod.ROUTES)
        .addVirtualHosts(Istiod.reviewsHost().addRoutes(Route.newBuilder()
            .setMatch(RouteMatch.newBuilder().setPrefix("/")).setRoute(action)))
        .build();
    return XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(), Map.of(Istiod.ROUTES, rc)), "default");
  }

  private static Translation withCluster(Cluster c) {
    Map<String, Cluster> clusters = new LinkedHashMap<>(Istiod.reviews().clusters());
    clusters.put(c.getName(), c);
    XdsResources r = Istiod.reviews();
    return XdsTranslator.translate(new XdsResources(r.listeners(), r.routes(), clusters, r.endpoints()), "default");
  }

  @Test
  void durationsAtTheProtobufLimitsAreErrorsNotArithmeticExceptions() {
    for (Duration d : List.of(MAX, PROTO_MAX)) {
      assertThat(errors(withRoute(Istiod.action().setCluster(Istiod.V1).setTimeout(d).clearMaxStreamDuration())))
          .singleElement().asString()
          .startsWith("RouteConfiguration virtual_hosts[0].routes[0].route.timeout: seconds: " + d.getSeconds())
          .endsWith("(expected: at most 9223372036 seconds, about 292 years, either way)");
      assertThat(errors(withCluster(Istiod.edsCluster(Istiod.BASE).toBuilder()
          .setOutlierDetection(OutlierDetection.newBuilder().setInterval(d)).build())))
          .singleElement().asString().startsWith("Cluster outlier_detection.interval: seconds: ");
      assertThat(errors(withCluster(Istiod.edsCluster(Istiod.BASE).toBuilder().setConnectTimeout(d).build())))
          .singleElement().asString().startsWith("Cluster connect_timeout: seconds: ");
      assertThat(errors(withRoute(Istiod.action().setCluster(Istiod.V1)
          .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx").setPerTryTimeout(d))))).hasSize(1);
    }
  }

  @Test
  void negativeDurationsAreRefusedAsYamlRefusesMinusOneSecond() {
    assertThat(errors(withRoute(Istiod.timeout(Istiod.action().setCluster(Istiod.V1), NEGATIVE))))
        .containsExactly("RouteConfiguration virtual_hosts[0].routes[0].route.max_stream_duration.max_stream_duration: PT-1S (expected: >= 0)");
    assertThat(errors(withRoute(Istiod.action().setCluster(Istiod.V1)
        .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx").setPerTryTimeout(NEGATIVE)))))
        .containsExactly("RouteConfiguration virtual_hosts[0].routes[0].route.retry_policy.per_try_timeout: PT-1S (expected: >= 0)");
    assertThat(errors(withCluster(Istiod.edsCluster(Istiod.BASE).toBuilder()
        .setOutlierDetection(OutlierDetection.newBuilder().setInterval(NEGATIVE)).build())))
        .containsExactly("Cluster outlier_detection.interval: PT-1S (expected: >= 0)");
  }

  @Test
  void retryBackoffBaseIntervalIsAtLeastOneMillisecond() {
    for (Duration d : List.of(ONE_NANO, NEGATIVE, Duration.getDefaultInstance())) {
      assertThat(errors(withRoute(Istiod.action().setCluster(Istiod.V1).setRetryPolicy(RetryPolicy.newBuilder()
          .setRetryOn("5xx").setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(d))))))
          .singleElement().asString()
          .startsWith("RouteConfiguration virtual_hosts[0].routes[0].route.retry_policy.retry_back_off.base_interval: ");
    }
  }

  @Test
  void aFillIntervalBeyondWhatTheRateLimiterTakesIsAnError() {
    Listener l = Istiod.listener(Istiod.LISTENER, Istiod.hcm(Istiod.ROUTES).toBuilder()
        .addHttpFilters(0, IstiodSecurity.localRateLimit(10, 9_300_000_000L)).build());
    Translation t = XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(Istiod.LISTENER, l), Map.of()), "default");
    assertThat(errors(t)).singleElement().asString().startsWith("Listener ").contains("token_bucket.fill_interval: seconds: 9300000000");
  }

  @Test
  void dnsClustersWithoutALoadAssignmentAreRefusedWithTheirName() {
    for (Cluster.DiscoveryType type : List.of(Cluster.DiscoveryType.STRICT_DNS, Cluster.DiscoveryType.LOGICAL_DNS)) {
      Cluster c = Cluster.newBuilder().setName("external-api").setType(type).build();
      Translation t = withCluster(c);
      assertThat(t.errors()).singleElement().satisfies(p -> {
        assertThat(p.name()).isEqualTo("external-api");
        assertThat(p.message()).isEqualTo("missing for " + type + " cluster external-api (expected: load_assignment with the endpoints to resolve)");
      });
    }
  }

  @Test
  void weightedClusterWeightsThatOverflowAnIntAreAnError() {
    Translation t = withRoute(Istiod.action().setWeightedClusters(WeightedCluster.newBuilder()
        .addClusters(Istiod.weight(Istiod.V1, Integer.MAX_VALUE))
        .addClusters(Istiod.weight(Istiod.V3, Integer.MAX_VALUE))));
    assertThat(errors(t)).containsExactly("RouteConfiguration virtual_hosts[0].routes[0].route.weighted_clusters.clusters: "
        + "weights add up to 4294967294 (expected: at most 2147483647)");
  }

  @Test
  void longNonAsciiDomainsAndHeaderNamesCostNothing() {
    String sigma = "Σ".repeat(16_000);
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName(Istiod.ROUTES)
        .addVirtualHosts(VirtualHost.newBuilder().setName("big").addDomains(sigma).addDomains(Istiod.REVIEWS)
            .addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/").addHeaders(HeaderMatcher.newBuilder().setName(sigma)
                    .setStringMatch(StringMatcher.newBuilder().setExact("a"))))
                .setRoute(Istiod.action().setCluster(Istiod.V1))))
        .build();
    Translation t = XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(), Map.of(Istiod.ROUTES, rc)), "default");
    assertThat(errors(t)).containsExactly(
        "RouteConfiguration virtual_hosts[0].routes[0].match.headers[0].name: 16000 characters (expected: a header name of at most 256)");
    assertThat(t.warnings()).extracting(ConfigProblem::message)
        .contains("ignored: 16000 characters (expected: a host name of at most 253)");
  }

  @Test
  void catastrophicRegexesMatchInLinearTime() {
    Translation t = withRoute(Istiod.action().setCluster(Istiod.V1));
    assertThat(t.errors()).isEmpty();
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName(Istiod.ROUTES)
        .addVirtualHosts(Istiod.reviewsHost().addRoutes(Route.newBuilder()
            .setMatch(RouteMatch.newBuilder().setSafeRegex(
                io.envoyproxy.envoy.type.matcher.v3.RegexMatcher.newBuilder().setRegex("(.*a){12}")))
            .setRoute(Istiod.action().setCluster(Istiod.V1))))
        .build();
    assertThat(XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(), Map.of(Istiod.ROUTES, rc)), "default").errors())
        .isEmpty();
  }
}
