package io.meshlet.core.telemetry;

import io.meshlet.core.security.InboundRequest;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import org.jspecify.annotations.Nullable;

/**
 * Zipkin's B3 propagation, read only (Envoy and older Istio installs send it): the single {@code b3}
 * header ({@code traceid-spanid[-sampled[-parentspanid]]}) or the {@code X-B3-TraceId}, {@code
 * X-B3-SpanId}, {@code X-B3-Sampled} / {@code X-B3-Flags} headers. A 64-bit trace id is padded to
 * 128 bits with zeros on the left, as OpenTelemetry's B3 propagator does.
 */
final class B3 {
  private B3() {}

  static @Nullable SpanContext extract(InboundRequest r) {
    String single = r.header("b3");
    if (single != null) {
      return single(single);
    }
    String trace = r.header("x-b3-traceid");
    String span = r.header("x-b3-spanid");
    if (trace == null || span == null) {
      return null;
    }
    String flags = r.header("x-b3-flags");
    String sampled = r.header("x-b3-sampled");
    return of(trace, span, "1".equals(flags) || "1".equals(sampled) || "true".equalsIgnoreCase(sampled));
  }

  private static @Nullable SpanContext single(String value) {
    String[] parts = value.trim().split("-", -1);
    if (parts.length < 2) {
      return null; // "0" (deny) or a bare sampling decision: no context to continue
    }
    boolean sampled = parts.length >= 3 && (parts[2].equals("1") || parts[2].equals("d"));
    return of(parts[0], parts[1], sampled);
  }

  private static @Nullable SpanContext of(String traceId, String spanId, boolean sampled) {
    String trace = traceId.trim().toLowerCase(java.util.Locale.ROOT);
    if (trace.length() == 16) {
      trace = "0000000000000000" + trace;
    }
    String span = spanId.trim().toLowerCase(java.util.Locale.ROOT);
    if (!TraceId.isValid(trace) || !SpanId.isValid(span)) {
      return null;
    }
    return SpanContext.createFromRemoteParent(trace, span, sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(),
        TraceState.getDefault());
  }
}
