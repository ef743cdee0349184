package io.meshlet.perf;

import io.meshlet.core.Mesh;
import io.meshlet.core.pipeline.InboundVerdict;
import io.meshlet.core.pipeline.OutboundCall;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.security.InboundRequest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of telemetry per request: the whole client-side pipeline of one call as an adapter
 * drives it ({@code outbound} → {@code admit} → {@code startTry} → the try's headers → {@code
 * onResult(200)} → sizes → {@code end}), and the server side ({@code inbound} → the context scope →
 * {@code end}), with {@code telemetry}:
 * <ul>
 *   <li>{@code none}: no registry, no tracer (no event is built);
 *   <li>{@code metrics}: Istio's metrics into a {@code PrometheusMeterRegistry};
 *   <li>{@code metricsAndSpan}: and a sampled span per call in the OpenTelemetry SDK (always-on
 *       sampler, a span processor that keeps nothing: the cost of making the span, not of exporting it).
 * </ul>
 * The telemetry's cost is the difference to {@code none}. Run with {@code -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TelemetryBenchmark {
  private static final String HOST = "orders";

  @Param({"none", "metrics", "metricsAndSpan"})
  public String telemetry;

  private Mesh mesh;
  private BenchRequest request;
  private final InboundRequest inbound = new Inbound();
  private @Nullable OpenTelemetrySdk otel;
  private long headers;

  @Setup(Level.Trial)
  public void setUp() {
    Mesh.Builder b = Mesh.builder().workload("bench").namespace("default")
        .configSource(new YamlSource(MeshYaml.routing(1, 1)));
    switch (telemetry) {
      case "none":
        break;
      case "metrics":
        b.meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        break;
      case "metricsAndSpan":
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn()).addSpanProcessor(new Discard()).build()).build();
        b.meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).openTelemetry(otel);
        break;
      default:
        throw new IllegalArgumentException("telemetry: " + telemetry + " (expected: none, metrics or metricsAndSpan)");
    }
    mesh = b.build();
    request = new BenchRequest(MeshYaml.host(0), MeshYaml.PORT, MeshYaml.prefix(0) + "items/42", "accept", "application/json",
        MeshYaml.HEADER, MeshYaml.user(0));
    OutboundCall call = (OutboundCall) mesh.pipeline().outbound(request, null);
    if (call.observed() != !telemetry.equals("none")) {
      throw new IllegalStateException("events built: " + call.observed() + " with telemetry " + telemetry);
    }
    call.end();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    mesh.close();
    if (otel != null) {
      otel.close();
    }
  }

  /** One outbound call on its success path, with telemetry as set. */
  @Benchmark
  public long call() {
    OutboundCall call = (OutboundCall) mesh.pipeline().outbound(request, null);
    try {
      call.admit();
      call.startTry();
      call.forEachTryHeader((k, v) -> headers += v.length());
      call.onResult(AttemptResult.status(200));
      call.reportBytes(0, 512);
    } finally {
      call.end();
    }
    return headers;
  }

  /** One served call: the inbound decision, its context current while "serving", its end. */
  @Benchmark
  public boolean inbound() {
    InboundVerdict v = mesh.pipeline().inbound(inbound, null);
    boolean current;
    try (var s = v.attachContext()) {
      current = Context.current() != Context.root();
    }
    v.end(200, 0, 512);
    return current;
  }

  /** Keeps nothing: spans are made and ended, not exported. */
  private static final class Discard implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return false;
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** A plaintext GET to this workload. */
  private static final class Inbound implements InboundRequest {
    @Override
    public io.meshlet.core.identity.@Nullable SpiffeId peer() {
      return null;
    }

    @Override
    public boolean secure() {
      return false;
    }

    @Override
    public String sourceAddress() {
      return "10.0.0.9";
    }

    @Override
    public int destinationPort() {
      return 9080;
    }

    @Override
    public String host() {
      return "bench";
    }

    @Override
    public String method() {
      return "GET";
    }

    @Override
    public String path() {
      return "/orders/42";
    }

    @Override
    public @Nullable String header(String name) {
      return null;
    }
  }
}
