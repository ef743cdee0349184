package io.meshlet.core.telemetry;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.pipeline.CallEvent;
import io.meshlet.core.pipeline.CallListener;
import io.meshlet.core.pipeline.InboundEvent;
import io.meshlet.core.pipeline.OutboundEvent;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.RequestView;
import io.meshlet.core.routing.UnknownHosts;
import io.meshlet.core.security.InboundDecision;
import io.meshlet.core.security.InboundRequest;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Traces the pipeline's calls with the OpenTelemetry API: a {@code CLIENT} span per outbound call
 * (each try an event {@code meshlet.try} with its number, endpoint and result; {@code
 * http.request.resend_count} for the retries), a {@code SERVER} span per inbound call. The W3C
 * {@code traceparent}/{@code tracestate} go out on every try; inbound, W3C is read, then B3 (single
 * {@code b3} header, then {@code X-B3-*}). The server span is current on the serving thread ({@link
 * CallListener.Scoped}), and what is current when an outbound call is made ({@link
 * #captureContext()}) is its parent: the inbound call's trace continues with no application code.
 *
 * <p>Sampling: a span with a parent follows the parent's decision, as Envoy does; a root span is
 * started with probability {@code samplingPercentage / 100} (Telemetry {@code
 * randomSamplingPercentage}; 100 when no resource sets it), then the SDK's sampler has its say.
 */
public final class MeshTracing implements CallListener {
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  static final AttributeKey<Long> STATUS_CODE = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<Long> RPC_GRPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("meshlet.route");
  static final AttributeKey<String> CLUSTER = AttributeKey.stringKey("meshlet.cluster");
  static final AttributeKey<String> SUBSET = AttributeKey.stringKey("meshlet.subset");
  static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("meshlet.endpoint");
  static final AttributeKey<String> FLAGS = AttributeKey.stringKey("meshlet.response_flags");
  static final AttributeKey<String> POLICY = AttributeKey.stringKey("meshlet.policy");
  static final AttributeKey<String> PEER = AttributeKey.stringKey("meshlet.peer");
  static final AttributeKey<Long> TRY = AttributeKey.longKey("meshlet.try");
  static final AttributeKey<String> TRY_RESULT = AttributeKey.stringKey("meshlet.try.result");

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final TextMapSetter<OutboundEvent> TRY_HEADERS = (call, name, value) -> {
    if (call != null) {
      call.addTryHeader(name, value);
    }
  };
  private static final TextMapGetter<InboundRequest> INBOUND = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(InboundRequest carrier) {
      return List.of("traceparent", "tracestate");
    }

    @Override
    public @Nullable String get(@Nullable InboundRequest carrier, String key) {
      return carrier == null ? null : carrier.header(key);
    }
  };

  private final Tracer tracer;
  private final DoubleSupplier samplingPercentage;
  private final RandomGenerator random;

  private MeshTracing(OpenTelemetry openTelemetry, DoubleSupplier samplingPercentage, RandomGenerator random) {
    this.tracer = openTelemetry.getTracer("io.meshlet");
    this.samplingPercentage = samplingPercentage;
    this.random = random;
  }

  /**
   * @param samplingPercentage the percentage of root spans to start (0..100), read per call
   */
  public static MeshTracing create(OpenTelemetry openTelemetry, DoubleSupplier samplingPercentage, RandomGenerator random) {
    return new MeshTracing(requireNonNull(openTelemetry, "openTelemetry"), requireNonNull(samplingPercentage, "samplingPercentage"),
        requireNonNull(random, "random"));
  }

  /** The caller's OpenTelemetry context; null when nothing is current (the call is a root). */
  @Override
  public @Nullable Object captureContext() {
    Context c = Context.current();
    return c == Context.root() ? null : c;
  }

  // ---- client side ----------------------------------------------------------------------------

  @Override
  public void onCallStart(OutboundEvent call) {
    Object captured = call.callerContext(this);
    Context parent = captured instanceof Context ? (Context) captured : Context.current();
    if (!sample(parent)) {
      call.attach(this, new Traced(parent, null));
      return;
    }
    RequestView r = call.request();
    SpanBuilder b = tracer.spanBuilder(call.isGrpc() ? rpcName(r.path()) : r.method())
        .setParent(parent).setSpanKind(SpanKind.CLIENT)
        .setAttribute(SERVER_ADDRESS, r.host())
        .setAttribute(SERVER_PORT, (long) r.port());
    if (call.isGrpc()) {
      rpc(b, r.path());
    } else {
      b.setAttribute(METHOD, r.method())
          .setAttribute(URL_FULL, r.scheme() + "://" + r.authority() + r.path());
    }
    Span span = b.startSpan();
    call.attach(this, new Traced(parent.with(span), span));
    traceId(call, span);
  }

  @Override
  public void onTryStart(OutboundEvent call) {
    Object t = call.attachment(this);
    if (t instanceof Traced) {
      W3C.inject(((Traced) t).context, call, TRY_HEADERS);
    }
  }

  @Override
  public void onTryEnd(OutboundEvent call) {
    Span span = span(call);
    if (span == null || !span.isRecording()) {
      return;
    }
    Endpoint e = call.endpoint();
    AttemptResult result = call.tryResult();
    span.addEvent("meshlet.try", Attributes.of(TRY, (long) call.tries(),
        ENDPOINT, e == null ? call.request().authority() : e.hostPort(),
        TRY_RESULT, result == null ? "unknown" : result.toString()));
  }

  @Override
  public void onCallEnd(OutboundEvent call) {
    Span span = span(call);
    if (span == null) {
      return;
    }
    if (span.isRecording()) {
      Cluster cluster = call.cluster();
      String route = call.routeName();
      if (route == null && call.route() != null) {
        route = call.route().describe();
      }
      if (route != null) {
        span.setAttribute(ROUTE, route);
      }
      if (cluster != null) {
        span.setAttribute(CLUSTER, cluster.name());
        if (cluster.subset() != null) {
          span.setAttribute(SUBSET, cluster.subset());
        }
      } else if (call.passthrough()) {
        span.setAttribute(CLUSTER, UnknownHosts.PASSTHROUGH_CLUSTER);
      }
      Endpoint e = call.endpoint();
      if (e != null) {
        span.setAttribute(ENDPOINT, e.hostPort());
      }
      if (call.tries() > 1) {
        span.setAttribute(RESEND_COUNT, (long) (call.tries() - 1));
      }
      outcome(span, call, 400);
    }
    span.end();
  }

  // ---- server side ----------------------------------------------------------------------------

  @Override
  public @Nullable Scoped onInboundStart(InboundEvent call) {
    InboundRequest r = call.request();
    Context parent = extract(r);
    if (!sample(parent)) {
      return parent == Context.root() ? null : scoped(parent);
    }
    SpanBuilder b = tracer.spanBuilder(call.isGrpc() ? rpcName(r.path()) : r.method())
        .setParent(parent).setSpanKind(SpanKind.SERVER)
        .setAttribute(SERVER_ADDRESS, r.host())
        .setAttribute(SERVER_PORT, (long) r.destinationPort())
        .setAttribute(CLIENT_ADDRESS, r.sourceAddress());
    if (call.isGrpc()) {
      rpc(b, r.path());
    } else {
      b.setAttribute(METHOD, r.method()).setAttribute(URL_PATH, r.path()).setAttribute(URL_SCHEME, r.secure() ? "https" : "http");
    }
    if (call.peer() != null) {
      b.setAttribute(PEER, call.peer().uri());
    }
    Span span = b.startSpan();
    Context context = parent.with(span);
    call.attach(this, new Traced(context, span));
    traceId(call, span);
    return scoped(context);
  }

  @Override
  public void onInboundEnd(InboundEvent call) {
    Span span = span(call);
    if (span == null) {
      return;
    }
    if (span.isRecording()) {
      InboundDecision d = call.decision();
      if (!call.allowed() && d != null && d.policy() != null) {
        span.setAttribute(POLICY, d.policy().toString());
      }
      outcome(span, call, 500);
    }
    span.end();
  }

  // ---- shared ---------------------------------------------------------------------------------

  private boolean sample(Context parent) {
    SpanContext p = Span.fromContext(parent).getSpanContext();
    if (p.isValid()) {
      return p.isSampled();
    }
    double pct = samplingPercentage.getAsDouble();
    return pct >= 100 || (pct > 0 && random.nextDouble() * 100 < pct);
  }

  private static void traceId(CallEvent call, Span span) {
    SpanContext sc = span.getSpanContext();
    if (sc.isValid()) {
      call.traceId(sc.getTraceId());
    }
  }

  private static Scoped scoped(Context context) {
    return () -> {
      io.opentelemetry.context.Scope s = context.makeCurrent();
      return s::close;
    };
  }

  /** The span this listener started for the call; null when it started none (not sampled). */
  private @Nullable Span span(CallEvent call) {
    Object t = call.attachment(this);
    return t instanceof Traced ? ((Traced) t).span : null;
  }

  /** What one call carries: the context to propagate and, when sampled here, the span started. */
  private record Traced(Context context, @Nullable Span span) {}

  /**
   * Status code, gRPC status, response flags and error: for HTTP, a status at or above {@code
   * errorFrom} (400 client side, 500 server side, as the semantic conventions say) is an error.
   */
  private static void outcome(Span span, CallEvent call, int errorFrom) {
    if (call.isGrpc()) {
      if (call.grpcStatus() >= 0) {
        span.setAttribute(RPC_GRPC_STATUS, (long) call.grpcStatus());
        if (call.grpcStatus() != 0) {
          span.setStatus(StatusCode.ERROR);
          span.setAttribute(ERROR_TYPE, Integer.toString(call.grpcStatus()));
        }
      }
    } else if (call.status() > 0) {
      span.setAttribute(STATUS_CODE, (long) call.status());
      if (call.status() >= errorFrom) {
        span.setStatus(StatusCode.ERROR);
        span.setAttribute(ERROR_TYPE, Integer.toString(call.status()));
      }
    }
    if (!call.flags().isEmpty()) {
      span.setAttribute(FLAGS, call.flags().toString());
      if (call.status() == 0 || call.status() >= 500) {
        span.setStatus(StatusCode.ERROR);
        span.setAttribute(ERROR_TYPE, call.flags().toString());
      }
    }
    if (call.status() == 0 && !call.isGrpc()) {
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(ERROR_TYPE, "_OTHER");
    }
  }

  /** {@code /pkg.Service/Method} → {@code pkg.Service/Method}, the gRPC span name. */
  private static String rpcName(String path) {
    return path.startsWith("/") ? path.substring(1) : path;
  }

  private static void rpc(SpanBuilder b, String path) {
    String name = rpcName(path);
    int slash = name.lastIndexOf('/');
    b.setAttribute(RPC_SYSTEM, "grpc");
    if (slash > 0) {
      b.setAttribute(RPC_SERVICE, name.substring(0, slash)).setAttribute(RPC_METHOD, name.substring(slash + 1));
    }
  }

  /** The caller's trace context: W3C, else B3 single, else B3 multi; root when none is valid. */
  static Context extract(InboundRequest r) {
    Context c = W3C.extract(Context.root(), r, INBOUND);
    if (Span.fromContext(c).getSpanContext().isValid()) {
      return c;
    }
    SpanContext b3 = B3.extract(r);
    return b3 == null ? Context.root() : Context.root().with(Span.wrap(b3));
  }

  @Override
  public String toString() {
    return "MeshTracing";
  }
}
