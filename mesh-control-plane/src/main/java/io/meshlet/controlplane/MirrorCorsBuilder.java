package io.meshlet.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.RouteAction.RequestMirrorPolicy;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.meshlet.core.model.MirrorPolicy;
import io.meshlet.core.model.StringMatch;

/**
 * A rule's mirrors and CORS policy as istiod writes them: {@code request_mirror_policies} with a
 * {@code runtime_fraction} in millionths, and the CORS filter's CorsPolicy in the route's {@code
 * typed_per_filter_config} — wrapped in a FilterConfig marked optional, because grpc-java refuses a
 * route carrying the config of a filter it does not have unless it is optional.
 */
final class MirrorCorsBuilder {
  static final String CORS_FILTER = "envoy.filters.http.cors";

  private MirrorCorsBuilder() {}

  static RequestMirrorPolicy mirror(MirrorPolicy m, String cluster) {
    return RequestMirrorPolicy.newBuilder()
        .setCluster(cluster)
        .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder()
            .setNumerator(m.millionths()).setDenominator(FractionalPercent.DenominatorType.MILLION)))
        .build();
  }

  static Any cors(io.meshlet.core.model.CorsPolicy c) {
    CorsPolicy.Builder b = CorsPolicy.newBuilder()
        .setAllowMethods(String.join(",", c.allowMethods()))
        .setAllowHeaders(String.join(",", c.allowHeaders()))
        .setExposeHeaders(String.join(",", c.exposeHeaders()))
        .setForwardNotMatchingPreflights(BoolValue.of(c.forwardUnmatchedPreflights()));
    for (StringMatch m : c.allowOrigins()) {
      b.addAllowOriginStringMatch(MatchBuilder.stringMatcher(m));
    }
    if (c.maxAge() != null) {
      b.setMaxAge(Long.toString(c.maxAge().toSeconds()));
    }
    if (c.allowCredentials()) {
      b.setAllowCredentials(BoolValue.of(true));
    }
    return Any.pack(FilterConfig.newBuilder().setIsOptional(true).setConfig(Any.pack(b.build())).build());
  }
}
