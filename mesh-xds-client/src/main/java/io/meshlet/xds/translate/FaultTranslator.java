package io.meshlet.xds.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.grpc.Status;
import io.meshlet.core.model.FaultInjection;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fault filter's per-route config ({@code typed_per_filter_config}, an HTTPFault, bare or in a
 * FilterConfig) as the model's FaultInjection. An abort with only a gRPC status answers 503 over
 * HTTP, as with Istio YAML.
 */
final class FaultTranslator {
  static final String TYPE_URL = "type.googleapis.com/" + HTTPFault.getDescriptor().getFullName();
  /** The HTTP status of an abort that gives only a gRPC status (as Istio YAML's). */
  static final int GRPC_ONLY_HTTP_STATUS = 503;

  private FaultTranslator() {}

  /** The HTTPFault among {@code configs} (keyed by filter name), or null when there is none. */
  static @Nullable FaultInjection perRoute(Map<String, Any> configs, String path, Problems problems) {
    PerFilterConfigs.Found<HTTPFault> found = PerFilterConfigs.find(configs, HTTPFault.class, TYPE_URL, path, problems);
    return found == null ? null : translate(found.config(), found.path(), problems);
  }

  static @Nullable FaultInjection translate(HTTPFault f, String path, Problems problems) {
    FaultInjection.Delay delay = f.hasDelay() ? delay(f.getDelay(), path + ".delay", problems) : null;
    FaultInjection.Abort abort = f.hasAbort() ? abort(f.getAbort(), path + ".abort", problems) : null;
    if (f.getHeadersCount() > 0) {
      problems.ignored(path + ".headers", "the fault applies to every request of the route");
    }
    if (f.getDownstreamNodesCount() > 0) {
      problems.ignored(path + ".downstream_nodes", "the fault applies to every caller");
    }
    if (!f.getUpstreamCluster().isEmpty()) {
      problems.ignored(path + ".upstream_cluster", "the fault applies to every destination of the route");
    }
    if (f.hasMaxActiveFaults()) {
      problems.ignored(path + ".max_active_faults", "not applied by Meshlet");
    }
    if (f.hasResponseRateLimit()) {
      problems.ignored(path + ".response_rate_limit", "not applied by Meshlet");
    }
    return delay == null && abort == null ? null : new FaultInjection(delay, abort);
  }

  private static FaultInjection.@Nullable Delay delay(FaultDelay d, String path, Problems problems) {
    double percentage = Protos.percent(d.getPercentage());
    switch (d.getFaultDelaySecifierCase()) {
      case FIXED_DELAY:
        Duration fixed = Protos.duration(d.getFixedDelay(), path + ".fixed_delay", problems);
        return fixed == null ? null : new FaultInjection.Delay(fixed, percentage);
      case HEADER_DELAY:
        problems.ignored(path + ".header_delay", "delays chosen by a request header are not applied by Meshlet");
        return null;
      default:
        problems.error(path, "no delay (expected: fixed_delay)");
        return null;
    }
  }

  private static FaultInjection.@Nullable Abort abort(FaultAbort a, String path, Problems problems) {
    double percentage = Protos.percent(a.getPercentage());
    switch (a.getErrorTypeCase()) {
      case HTTP_STATUS:
        if (a.getHttpStatus() < 200 || a.getHttpStatus() > 599) {
          problems.error(path + ".http_status", a.getHttpStatus() + " (expected: 200..599)");
          return null;
        }
        return new FaultInjection.Abort(a.getHttpStatus(), null, percentage);
      case GRPC_STATUS:
        int code = a.getGrpcStatus();
        if (code <= 0 || code > 16) {
          problems.error(path + ".grpc_status", code + " (expected: a gRPC status code 1..16)");
          return null;
        }
        return new FaultInjection.Abort(GRPC_ONLY_HTTP_STATUS, Status.fromCodeValue(code).getCode().name(), percentage);
      case HEADER_ABORT:
        problems.ignored(path + ".header_abort", "aborts chosen by a request header are not applied by Meshlet");
        return null;
      default:
        problems.error(path, "no error type (expected: one of http_status, grpc_status)");
        return null;
    }
  }
}
