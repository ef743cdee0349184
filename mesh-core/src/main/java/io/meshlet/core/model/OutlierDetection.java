package io.meshlet.core.model;

import java.time.Duration;

/**
 * Istio's {@code OutlierDetection}. An endpoint that fails {@code consecutive5xxErrors} times in a
 * row (or {@code consecutiveGatewayErrors}, or, with {@code splitExternalLocalOriginErrors},
 * {@code consecutiveLocalOriginFailures}) leaves the load balancer for {@code baseEjectionTime}
 * times the number of times it was ejected, unless that would eject more than {@code
 * maxEjectionPercent} of the cluster. Below {@code minHealthPercent} healthy endpoints the cluster
 * is in panic: every endpoint is used again. A threshold of 0 disables that check.
 */
public record OutlierDetection(
    int consecutive5xxErrors,
    int consecutiveGatewayErrors,
    int consecutiveLocalOriginFailures,
    boolean splitExternalLocalOriginErrors,
    Duration interval,
    Duration baseEjectionTime,
    int maxEjectionPercent,
    int minHealthPercent) {

  /** Envoy's defaults for what Istio leaves unset. */
  public static final int DEFAULT_CONSECUTIVE_5XX = 5;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_EJECTION_PERCENT = 10;
}
