package io.meshlet.core.config.istio;

import io.meshlet.core.model.RetryPolicy;
import io.meshlet.core.model.RetryPolicy.Condition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code HTTPRetry} ({@code http[].retries}). As in Istio, {@code attempts} absent or 0
 * turns retries off; {@code retryOn} absent means {@link RetryPolicy#DEFAULT_RETRY_ON} with 503;
 * a number in {@code retryOn} is a retriable status code and implies {@code retriable-status-codes}.
 */
final class RetryParser {
  /** Envoy conditions Meshlet does not implement: accepted with a warning. */
  private static final List<String> NOT_APPLIED = List.of("retriable-headers", "http3-post-connect-failure", "reset-before-request");

  private RetryParser() {}

  static @Nullable RetryPolicy parse(@Nullable YamlObject retries) {
    if (retries == null) {
      return null;
    }
    Long attemptsValue = retries.integer("attempts", 0, Integer.MAX_VALUE);
    int attempts = attemptsValue == null ? 0 : attemptsValue.intValue();
    Duration perTryTimeout = retries.positiveDuration("perTryTimeout");
    String retryOnText = retries.string("retryOn");
    Boolean remote = retries.bool("retryRemoteLocalities");
    if (remote != null) {
      retries.problems().acceptedUnused(retries.path("retryRemoteLocalities"), "kept in the model without a warning: "
          + "a retry's pick follows the same priority levels as the first try");
    }
    Duration backoff = retries.resilience4jInterval("backoff");
    Boolean ignorePrevious = retries.bool("retryIgnorePreviousHosts");
    if (ignorePrevious != null && !ignorePrevious) {
      // Istio's default (true) is what Meshlet does: a retry picks another endpoint when there is one.
      retries.problems().notYetApplied(retries.path("retryIgnorePreviousHosts"),
          "false is not applied by Meshlet: a retry always avoids the endpoint just tried when there is another");
    }

    Set<Condition> retryOn;
    Set<Integer> codes;
    if (retryOnText != null) {
      retryOn = EnumSet.noneOf(Condition.class);
      codes = new LinkedHashSet<>();
      retryOn(retries, retryOnText, retryOn, codes);
    } else if (attempts > 0) {
      retryOn = RetryPolicy.DEFAULT_RETRY_ON;
      codes = Set.of(503);
    } else {
      retryOn = Set.of();
      codes = Set.of();
    }
    return new RetryPolicy(attempts, perTryTimeout, retryOn, codes, remote != null && remote, backoff, false);
  }

  private static void retryOn(YamlObject retries, String text, Set<Condition> retryOn, Set<Integer> codes) {
    Problems problems = retries.problems();
    String path = retries.path("retryOn");
    for (String raw : text.split(",", -1)) {
      String token = raw.trim();
      Integer code = statusCode(token);
      Condition condition = Condition.of(token);
      if (code != null) {
        codes.add(code);
        retryOn.add(Condition.RETRIABLE_STATUS_CODES);
      } else if (condition != null) {
        retryOn.add(condition);
      } else if (NOT_APPLIED.contains(token)) {
        problems.warning(path, "'" + token + "' is not applied by Meshlet; ignored");
      } else {
        problems.error(path, "'" + token + "' (expected: an HTTP status code 100..599 or one of " + conditions() + ")");
      }
    }
  }

  private static @Nullable Integer statusCode(String token) {
    if (token.isEmpty() || token.length() > 3 || !token.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    int code = Integer.parseInt(token);
    return code >= 100 && code <= 599 ? code : null;
  }

  private static String conditions() {
    List<String> names = new ArrayList<>();
    for (Condition c : Condition.values()) {
      names.add(c.value());
    }
    return String.join(", ", names);
  }

  /** {@code policy} (or the default, for a rule without {@code retries}) allowed to retry POST and PATCH. */
  static RetryPolicy nonIdempotent(@Nullable RetryPolicy policy) {
    RetryPolicy p = policy != null ? policy : RetryPolicy.DEFAULT;
    return new RetryPolicy(p.attempts(), p.perTryTimeout(), p.retryOn(), p.retriableStatusCodes(),
        p.retryRemoteLocalities(), p.backoff(), true);
  }
}
