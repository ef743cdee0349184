package io.meshlet.controlplane;

import io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy;
import io.meshlet.core.model.LoadBalancerSettings.ConsistentHash;

/** Istio's {@code consistentHash} key as the route's hash policy (the ring itself is on the cluster). */
final class HashPolicies {
  private HashPolicies() {}

  static HashPolicy of(ConsistentHash h) {
    HashPolicy.Builder b = HashPolicy.newBuilder();
    switch (h.on()) {
      case HTTP_HEADER_NAME -> b.setHeader(HashPolicy.Header.newBuilder().setHeaderName(h.key()));
      case HTTP_COOKIE -> b.setCookie(HashPolicy.Cookie.newBuilder().setName(h.key()));
      case HTTP_QUERY_PARAMETER_NAME -> b.setQueryParameter(HashPolicy.QueryParameter.newBuilder().setName(h.key()));
      case USE_SOURCE_IP -> b.setConnectionProperties(HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
    }
    return b.build();
  }
}
