package io.meshlet.xds.translate;

import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.meshlet.core.config.ConfigLimits;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Small conversions of protobuf well-known types. */
final class Protos {
  private Protos() {}

  /**
   * A duration field: null (with an error at {@code path}) when it is negative, as Envoy's {@code gte}
   * rules and Istio's YAML refuse, or beyond what the mesh holds ({@link ConfigLimits#duration}).
   */
  static @Nullable Duration duration(com.google.protobuf.Duration d, String path, Problems problems) {
    Duration v = ConfigLimits.duration(d.getSeconds(), d.getNanos());
    if (v == null) {
      problems.error(path, ConfigLimits.durationTooLong(d.getSeconds(), d.getNanos()));
      return null;
    }
    if (v.isNegative()) {
      problems.error(path, v + " (expected: >= 0)");
      return null;
    }
    return v;
  }

  /** {@link #duration} that must be > 0 and at least 1 ms, as Resilience4j takes intervals (retry backoff). */
  static @Nullable Duration resilience4jInterval(com.google.protobuf.Duration d, String path, Problems problems) {
    Duration v = duration(d, path, problems);
    String problem = v == null ? null : ConfigLimits.resilience4jIntervalProblem(v);
    if (problem != null) {
      problems.error(path, problem);
      return null;
    }
    return v;
  }

  /** A {@code FractionalPercent} as a percentage 0..100. */
  static double percent(FractionalPercent p) {
    double denominator;
    switch (p.getDenominator()) {
      case TEN_THOUSAND:
        denominator = 10_000;
        break;
      case MILLION:
        denominator = 1_000_000;
        break;
      case HUNDRED:
      default:
        denominator = 100;
        break;
    }
    return Math.min(100.0, p.getNumerator() * 100.0 / denominator);
  }

  /** A uint32 as a model int: values beyond {@code int} (Envoy's "unlimited" 2^32-1) become 0, the model's "unset". */
  static int uint32(int raw) {
    return raw < 0 ? 0 : raw;
  }
}
