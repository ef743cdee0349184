package io.meshlet.xds.translate;

import static io.meshlet.xds.translate.Istiod.REVIEWS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction.RequestMirrorPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.meshlet.core.model.Destination;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.MirrorPolicy;
import io.meshlet.core.model.StringMatch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RDS request_mirror_policies and the CORS filter's per-route CorsPolicy into the model. */
class XdsMirrorCorsTest {
  private static Translation translate(Route.Builder route) {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName(Istiod.ROUTES)
        .addVirtualHosts(Istiod.reviewsHost().addRoutes(route)).build();
    return XdsTranslator.translate(Istiod.with(Istiod.reviews(), Map.of(), Map.of(Istiod.ROUTES, rc)), "default");
  }

  @Test
  void mirrorPoliciesBecomeMirrorsWithTheirFraction() {
    Translation t = translate(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(Istiod.action().setCluster(Istiod.V1)
            .addRequestMirrorPolicies(RequestMirrorPolicy.newBuilder().setCluster(Istiod.V2)
                .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder()
                    .setNumerator(250_000).setDenominator(FractionalPercent.DenominatorType.MILLION))))
            .addRequestMirrorPolicies(RequestMirrorPolicy.newBuilder().setCluster(Istiod.V3))));
    assertThat(t.problems()).isEmpty();
    HttpRoute r = t.config().virtualServices().get(0).http().get(0);
    assertThat(r.mirrors()).containsExactly(
        new MirrorPolicy(new Destination(REVIEWS, "v2", 9080), 250_000),
        new MirrorPolicy(new Destination(REVIEWS, "v3", 9080), MirrorPolicy.ALL));
  }

  @Test
  void aMirrorByHeaderIsAnError() {
    Translation t = translate(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(Istiod.action().setCluster(Istiod.V1)
            .addRequestMirrorPolicies(RequestMirrorPolicy.newBuilder().setClusterHeader("x-mirror"))));
    assertThat(t.problems()).extracting(Object::toString).anySatisfy(p -> assertThat(p)
        .contains("request_mirror_policies[0].cluster_header: not supported (expected: cluster)"));
  }

  @Test
  void theCorsFiltersPerRouteConfigBecomesTheRulesCorsPolicy() {
    CorsPolicy cors = CorsPolicy.newBuilder()
        .addAllowOriginStringMatch(StringMatcher.newBuilder().setExact("https://a.example"))
        .addAllowOriginStringMatch(StringMatcher.newBuilder().setPrefix("https://dev-"))
        .setAllowMethods("GET,POST").setAllowHeaders("x-token").setExposeHeaders("x-id,x-trace")
        .setMaxAge("600").setAllowCredentials(BoolValue.of(true)).setForwardNotMatchingPreflights(BoolValue.of(false))
        .build();
    Translation t = translate(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(Istiod.action().setCluster(Istiod.V1))
        .putTypedPerFilterConfig("envoy.filters.http.cors", Any.pack(FilterConfig.newBuilder()
            .setIsOptional(true).setConfig(Any.pack(cors)).build())));
    assertThat(t.problems()).isEmpty();
    assertThat(t.config().virtualServices().get(0).http().get(0).cors()).isEqualTo(new io.meshlet.core.model.CorsPolicy(
        List.of(StringMatch.exact("https://a.example"), StringMatch.prefix("https://dev-")), List.of("GET", "POST"),
        List.of("x-token"), List.of("x-id", "x-trace"), Duration.ofSeconds(600), true, false));
  }

  @Test
  void aBadMaxAgeIsAnErrorWithItsPath() {
    Translation t = translate(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(Istiod.action().setCluster(Istiod.V1))
        .putTypedPerFilterConfig("envoy.filters.http.cors", Any.pack(CorsPolicy.newBuilder().setMaxAge("1h").build())));
    assertThat(t.problems()).extracting(Object::toString).anySatisfy(p -> assertThat(p)
        .contains("routes[0].typed_per_filter_config[envoy.filters.http.cors].max_age: '1h' (expected: seconds, a non-negative integer)"));
  }
}
