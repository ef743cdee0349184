package io.meshlet.core.config.istio;

import io.meshlet.core.model.OutlierDetection;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code OutlierDetection}, with Envoy's defaults for what is unset. The deprecated {@code
 * consecutiveErrors} is read as Istio reads it: as {@code consecutiveGatewayErrors}, with
 * ejection on 5xx off (unless {@code consecutive5xxErrors} is given too).
 */
final class OutlierDetectionParser {
  private static final long INT32 = Integer.MAX_VALUE;
  /** Envoy's default for {@code consecutive_local_origin_failure}. */
  static final int DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURES = 5;

  private OutlierDetectionParser() {}

  static @Nullable OutlierDetection parse(@Nullable YamlObject o) {
    if (o == null) {
      return null;
    }
    Long deprecated = o.integer("consecutiveErrors", 0, INT32);
    Long fiveXx = o.integer("consecutive5xxErrors", 0, INT32);
    Long gateway = o.integer("consecutiveGatewayErrors", 0, INT32);
    Long localOrigin = o.integer("consecutiveLocalOriginFailures", 0, INT32);
    Boolean split = o.bool("splitExternalLocalOriginErrors");
    Duration interval = o.positiveDuration("interval");
    Duration baseEjectionTime = o.positiveDuration("baseEjectionTime");
    Long maxEjection = o.integer("maxEjectionPercent", 0, 100);
    Long minHealth = o.integer("minHealthPercent", 0, 100);
    tools.jackson.databind.JsonNode codes = o.node("outlierDetectionHttpErrorCodes");
    if (codes != null) {
      if (!codes.isArray()) {
        o.problems().error(o.path("outlierDetectionHttpErrorCodes"), Values.render(codes) + " (expected: a list of status codes)");
      } else {
        for (int i = 0; i < codes.size(); i++) {
          Values.integer(o.problems(), o.path("outlierDetectionHttpErrorCodes") + "[" + i + "]", codes.get(i), 100, 599);
        }
      }
      o.problems().notYetApplied(o.path("outlierDetectionHttpErrorCodes"),
          "not yet applied by Meshlet: 5xx responses (and gateway errors) count toward ejection, as without this field");
    }

    int consecutive5xx = OutlierDetection.DEFAULT_CONSECUTIVE_5XX;
    int consecutiveGateway = 0;
    if (deprecated != null && deprecated > 0) {
      // Istio: "Only listen to gateway errors" (istio/api#617).
      consecutiveGateway = deprecated.intValue();
      consecutive5xx = 0;
    }
    if (fiveXx != null) {
      consecutive5xx = fiveXx.intValue();
    }
    if (gateway != null) {
      consecutiveGateway = gateway.intValue();
    }
    return new OutlierDetection(
        consecutive5xx,
        consecutiveGateway,
        localOrigin == null ? DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURES : localOrigin.intValue(),
        split != null && split,
        interval == null ? OutlierDetection.DEFAULT_INTERVAL : interval,
        baseEjectionTime == null ? OutlierDetection.DEFAULT_BASE_EJECTION_TIME : baseEjectionTime,
        maxEjection == null ? OutlierDetection.DEFAULT_MAX_EJECTION_PERCENT : maxEjection.intValue(),
        minHealth == null ? 0 : minHealth.intValue());
  }
}
