package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.meshlet.core.model.RetryPolicy.Condition;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's route {@code retry_policy} as the model's RetryPolicy. A route without one does not retry,
 * as in Envoy ({@link io.meshlet.core.model.RetryPolicy#NONE}); istiod always writes one, Istio's
 * default included. POST and PATCH stay unretried, as with Istio YAML.
 */
final class RetryTranslator {
  /** Envoy's default {@code num_retries}. */
  static final int DEFAULT_NUM_RETRIES = 1;

  private RetryTranslator() {}

  static io.meshlet.core.model.RetryPolicy translate(@Nullable RetryPolicy p, String path, Problems problems) {
    if (p == null) {
      return io.meshlet.core.model.RetryPolicy.NONE;
    }
    Set<Condition> retryOn = EnumSet.noneOf(Condition.class);
    for (String raw : p.getRetryOn().split(",", -1)) {
      String token = raw.trim();
      if (token.isEmpty()) {
        continue;
      }
      Condition c = Condition.of(token);
      if (c != null) {
        retryOn.add(c);
      } else {
        problems.warning(path + ".retry_on", "'" + token + "' is not applied by Meshlet; ignored");
      }
    }
    int attempts = p.hasNumRetries() ? Protos.uint32(p.getNumRetries().getValue()) : DEFAULT_NUM_RETRIES;
    Duration perTry = p.hasPerTryTimeout() ? nonZero(Protos.duration(p.getPerTryTimeout(), path + ".per_try_timeout", problems)) : null;
    Set<Integer> codes = new LinkedHashSet<>(p.getRetriableStatusCodesList());
    Duration backoff = p.hasRetryBackOff() && p.getRetryBackOff().hasBaseInterval()
        ? Protos.resilience4jInterval(p.getRetryBackOff().getBaseInterval(), path + ".retry_back_off.base_interval", problems)
        : null;
    if (p.hasRetryBackOff() && p.getRetryBackOff().hasMaxInterval()) {
      problems.ignored(path + ".retry_back_off.max_interval", "not applied by Meshlet");
    }
    if (p.getRetriableHeadersCount() > 0) {
      problems.ignored(path + ".retriable_headers", "retries on response headers are not applied by Meshlet");
    }
    if (p.getRetriableRequestHeadersCount() > 0) {
      problems.ignored(path + ".retriable_request_headers", "every request of the route may be retried");
    }
    if (p.hasPerTryIdleTimeout()) {
      problems.ignored(path + ".per_try_idle_timeout", "not applied by Meshlet");
    }
    if (p.hasRateLimitedRetryBackOff()) {
      problems.ignored(path + ".rate_limited_retry_back_off", "not applied by Meshlet");
    }
    return new io.meshlet.core.model.RetryPolicy(attempts, perTry, retryOn, codes, false, backoff, false);
  }

  private static @Nullable Duration nonZero(@Nullable Duration d) {
    return d == null || d.isZero() ? null : d;
  }
}
