package io.meshlet.controlplane;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.time.Duration;

/** Small conversions into protobuf well-known types. */
final class Protos {
  private Protos() {}

  static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  /** A percentage 0..100 as a FractionalPercent per million (Istio's denominator). */
  static FractionalPercent percent(double percentage) {
    long numerator = Math.round(Math.max(0, Math.min(100, percentage)) * 10_000);
    return FractionalPercent.newBuilder().setNumerator((int) numerator)
        .setDenominator(FractionalPercent.DenominatorType.MILLION).build();
  }

  static UInt32Value uint32(int value) {
    return UInt32Value.of(value);
  }
}
