package io.meshlet.xds.translate;

import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.time.Duration;

/** Small conversions of protobuf well-known types. */
final class Protos {
  private Protos() {}

  static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
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
