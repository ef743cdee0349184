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
import io.meshlet.core.security.InboundRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request to the SLF4J logger {@value #LOGGER} at INFO, in Istio's default text format
 * (Envoy's command operators, {@code -} for what is not known) or as JSON with Envoy's key names,
 * each line ending with the call's trace id. Client-side lines name the upstream host and cluster the
 * mesh picked; server-side lines use {@code inbound|port||} as the cluster, as a sidecar logs them.
 *
 * <pre>
 * [%START_TIME%] "%REQ(:METHOD)% %REQ(:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
 * "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%"
 * "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS%
 * %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME% %TRACE_ID%
 * </pre>
 */
public final class AccessLog implements CallListener {
  /** The logger access-log lines go to. */
  public static final String LOGGER = "io.meshlet.accesslog";

  /** Line formats. */
  public enum Format {
    /** Istio's default text format, plus the trace id. */
    TEXT,
    /** One JSON object per line, with Envoy's default JSON keys plus {@code trace_id}. */
    JSON
  }

  private final Consumer<String> out;
  private final BooleanSupplier on;
  private final Supplier<AccessLogSettings> settings;
  private final Clock clock;

  AccessLog(Consumer<String> out, BooleanSupplier on, Supplier<AccessLogSettings> settings, Clock clock) {
    this.out = out;
    this.on = on;
    this.settings = settings;
    this.clock = clock;
  }

  /** @param settings on or off, format and filter, read per call ({@code Telemetry} resources and the builder) */
  public static AccessLog create(Supplier<AccessLogSettings> settings, Clock clock) {
    Logger log = LoggerFactory.getLogger(LOGGER);
    return new AccessLog(log::info, log::isInfoEnabled, requireNonNull(settings, "settings"), requireNonNull(clock, "clock"));
  }

  @Override
  public void onCallEnd(OutboundEvent call) {
    AccessLogSettings s = settings.get();
    if (!s.logs(call.status()) || !on.getAsBoolean()) {
      return;
    }
    RequestView r = call.request();
    Cluster cluster = call.cluster();
    Endpoint e = call.endpoint();
    AttemptResult last = call.tryResult();
    String upstream = e != null ? e.hostPort()
        : (call.passthrough() || (cluster != null && cluster.isPassthrough()) ? r.authority() : null);
    Line line = new Line(s.format());
    line.start(start(call)).request(r.method(), r.path(), protocol(call))
        .outcome(call, last != null && !last.isFailure() ? "via_upstream" : null)
        .field("upstream_transport_failure_reason", null, true)
        .sizes(call).number("upstream_service_time", upstreamTime(call))
        .field("x_forwarded_for", r.header("x-forwarded-for"), true)
        .field("user_agent", r.header("user-agent"), true)
        .field("request_id", r.header("x-request-id"), true)
        .field("authority", r.authority(), true)
        .field("upstream_host", upstream, true)
        .field("upstream_cluster", cluster != null ? cluster.name()
            : call.passthrough() ? UnknownHosts.PASSTHROUGH_CLUSTER : null, false)
        .field("upstream_local_address", null, false)
        .field("downstream_local_address", null, false)
        .field("downstream_remote_address", null, false)
        .field("requested_server_name", null, false)
        .field("route_name", call.routeName(), false)
        .field("trace_id", call.traceId(), false);
    out.accept(line.end());
  }

  @Override
  public void onInboundEnd(InboundEvent call) {
    AccessLogSettings s = settings.get();
    if (!s.logs(call.status()) || !on.getAsBoolean()) {
      return;
    }
    InboundRequest r = call.request();
    Line line = new Line(s.format());
    line.start(start(call)).request(r.method(), r.path(), protocol(call))
        .outcome(call, call.allowed() ? "via_upstream" : (call.flags().isEmpty() ? "rbac_access_denied_matched_policy" : "local_rate_limited"))
        .field("upstream_transport_failure_reason", null, true)
        .sizes(call).number("upstream_service_time", null)
        .field("x_forwarded_for", r.header("x-forwarded-for"), true)
        .field("user_agent", r.header("user-agent"), true)
        .field("request_id", r.header("x-request-id"), true)
        .field("authority", r.host(), true)
        .field("upstream_host", null, true)
        .field("upstream_cluster", "inbound|" + r.destinationPort() + "||", false)
        .field("upstream_local_address", null, false)
        .field("downstream_local_address", null, false)
        .field("downstream_remote_address", r.sourceAddress(), false)
        .field("requested_server_name", null, false)
        .field("route_name", "default", false)
        .field("trace_id", call.traceId(), false);
    out.accept(line.end());
  }

  private Instant start(CallEvent call) {
    return clock.instant().minusNanos(call.durationNanos());
  }

  private static String protocol(CallEvent call) {
    return call.isGrpc() ? "HTTP/2" : "HTTP/1.1";
  }

  private static @Nullable Long upstreamTime(OutboundEvent call) {
    return call.tryResult() == null || call.endNanos() < 0 ? null : (call.endNanos() - call.tryStartNanos()) / 1_000_000;
  }

  @Override
  public String toString() {
    return "AccessLog";
  }

  /** One line being written, text or JSON. */
  private static final class Line {
    private final boolean json;
    private final StringBuilder sb = new StringBuilder(256);

    Line(Format format) {
      this.json = format == Format.JSON;
      if (json) {
        sb.append('{');
      }
    }

    Line start(Instant start) {
      if (json) {
        key("start_time").append('"').append(start).append('"');
      } else {
        sb.append('[').append(start).append(']');
      }
      return this;
    }

    Line request(String method, String path, String protocol) {
      if (json) {
        field("method", method, false).field("path", path, false).field("protocol", protocol, false);
      } else {
        sb.append(" \"").append(method).append(' ').append(path).append(' ').append(protocol).append('"');
      }
      return this;
    }

    Line outcome(CallEvent call, @Nullable String details) {
      number("response_code", (long) call.status());
      field("response_flags", call.flags().isEmpty() ? null : call.flags().toString(), false);
      field("response_code_details", details, false);
      return field("connection_termination_details", null, false);
    }

    Line sizes(CallEvent call) {
      number("bytes_received", call.requestBytes());
      number("bytes_sent", call.responseBytes());
      return number("duration", call.durationNanos() / 1_000_000);
    }

    Line number(String key, @Nullable Long value) {
      if (json) {
        key(key).append(value == null ? "null" : value.toString());
      } else {
        sb.append(' ').append(value == null ? "-" : value.toString());
      }
      return this;
    }

    Line field(String key, @Nullable String value, boolean quoted) {
      if (json) {
        key(key);
        if (value == null) {
          sb.append("null");
        } else {
          quote(value);
        }
      } else {
        sb.append(' ');
        if (quoted) {
          sb.append('"').append(value == null ? "-" : value).append('"');
        } else {
          sb.append(value == null || value.isEmpty() ? "-" : value);
        }
      }
      return this;
    }

    private StringBuilder key(String key) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      return sb.append('"').append(key).append("\":");
    }

    private void quote(String value) {
      sb.append('"');
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      sb.append('"');
    }

    String end() {
      return json ? sb.append('}').toString() : sb.toString();
    }
  }
}
