package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.meshlet.core.model.RateLimitPolicy;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's local rate limit HTTP filter into a {@link RateLimitPolicy}: {@code tokens_per_fill}
 * (default 1) calls per {@code fill_interval}. Envoy applies the filter only to the share of calls
 * {@code filter_enabled} and {@code filter_enforced} name, 0 % when unset: a filter not enabled and
 * enforced for every call gives no policy (a warning); one for some calls is applied to all.
 */
final class LocalRateLimitTranslator {
  static final String TYPE_URL = "type.googleapis.com/" + LocalRateLimit.getDescriptor().getFullName();

  private LocalRateLimitTranslator() {}

  /**
   * @param host the host of an outbound listener (a client-side limit), or "" for the inbound
   *     listener (a server-side limit of this workload)
   * @return the policy, or null when the filter limits nothing (a warning) or cannot be read (an error)
   */
  static @Nullable RateLimitPolicy translate(LocalRateLimit l, String name, String namespace, String host,
      ResourceOrigin origin, String path, Problems problems) {
    if (!l.hasTokenBucket()) {
      problems.warning(path + ".token_bucket", "missing: the filter limits nothing");
      return null;
    }
    TokenBucket b = l.getTokenBucket();
    String bp = path + ".token_bucket";
    Duration fill = b.hasFillInterval() ? Protos.duration(b.getFillInterval(), bp + ".fill_interval", problems) : Duration.ZERO;
    if (fill == null) {
      return null;
    }
    if (fill.isZero()) {
      problems.error(bp + ".fill_interval", fill + " (expected: > 0)");
      return null;
    }
    int perFill = b.hasTokensPerFill() ? b.getTokensPerFill().getValue() : 1;
    if (perFill <= 0) {
      problems.error(bp + ".tokens_per_fill", Integer.toUnsignedString(perFill) + " (expected: 1.." + Integer.MAX_VALUE + ")");
      return null;
    }
    if (b.getMaxTokens() != perFill) {
      problems.warning(bp + ".max_tokens", Integer.toUnsignedString(b.getMaxTokens())
          + ": the burst is applied as tokens_per_fill (" + perFill + "); Meshlet's bucket refills whole each interval");
    }
    double enabled = percent(l.hasFilterEnabled(), l.getFilterEnabled());
    double enforced = percent(l.hasFilterEnforced(), l.getFilterEnforced());
    if (enabled == 0 || enforced == 0) {
      problems.warning(path + (enabled == 0 ? ".filter_enabled" : ".filter_enforced"),
          "0 % of calls (Envoy's default when unset): the filter limits nothing");
      return null;
    }
    if (enabled < 100 || enforced < 100) {
      problems.warning(path + ".filter_enforced", "applied to every call, not " + Math.min(enabled, enforced) + " %");
    }
    if (l.getDescriptorsCount() > 0) {
      problems.ignored(path + ".descriptors", "descriptor limits are not applied; the token bucket limits every call");
    }
    if (l.getLocalRateLimitPerDownstreamConnection()) {
      problems.ignored(path + ".local_rate_limit_per_downstream_connection", "the bucket is shared by all connections");
    }
    if (l.hasStatus() && l.getStatus().getCodeValue() != 429) {
      problems.ignored(path + ".status", "calls over the limit are answered 429");
    }
    return new RateLimitPolicy(new ResourceId("RateLimit", namespace, name), origin, host, List.of(), perFill, fill,
        List.of(), List.of(), Map.of());
  }

  private static double percent(boolean set, RuntimeFractionalPercent p) {
    return set && p.hasDefaultValue() ? Protos.percent(p.getDefaultValue()) : 0;
  }
}
