package io.meshlet.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.grpc.Status;
import io.meshlet.core.model.DirectResponse;
import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.model.Headers;
import io.meshlet.core.model.HttpRedirect;
import io.meshlet.core.model.HttpRewrite;
import io.meshlet.core.model.RetryPolicy.Condition;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/** The parts of a route that are not matches or destinations: timeout, retries, rewrite, header operations, redirect, direct response, fault. */
final class ActionBuilder {
  static final String FAULT_FILTER = "envoy.filters.http.fault";
  private static final com.google.protobuf.Duration NO_TIMEOUT = com.google.protobuf.Duration.getDefaultInstance();

  private ActionBuilder() {}

  /**
   * The timeout as istiod's {@code route.setTimeout} writes it for a proxyless node ({@code
   * GENERATOR: grpc}): {@code timeout} is the rule's or 0 (none), and on a VirtualService's routes
   * {@code max_stream_duration.max_stream_duration} carries the same value, because gRPC's xDS
   * clients read a route's timeout from there only (gRFC A31; grpc-java's {@code
   * XdsRouteConfigureResource}: {@code grpc_timeout_header_max}, else {@code max_stream_duration}).
   * istiod's default route of a host without a VirtualService gets {@code timeout: 0s} alone (it
   * calls {@code setTimeout} without the node); so does this one. Its deprecated {@code
   * max_grpc_timeout: 0s} there is not written: no proxyless client reads it, and 0 means none.
   */
  static void timeout(RouteAction.Builder a, java.time.@Nullable Duration timeout, boolean fromVirtualService) {
    com.google.protobuf.Duration d = timeout == null ? NO_TIMEOUT : Protos.duration(timeout);
    a.setTimeout(d);
    if (fromVirtualService) {
      a.setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(d));
    }
  }

  /** The retry policy istiod writes: the rule's, or Istio's default (2 retries) when the rule sets none. */
  static RetryPolicy retries(io.meshlet.core.model.@Nullable RetryPolicy policy) {
    io.meshlet.core.model.RetryPolicy p = policy != null ? policy : io.meshlet.core.model.RetryPolicy.DEFAULT;
    StringJoiner on = new StringJoiner(",");
    for (Condition c : p.retryOn()) {
      on.add(c.value());
    }
    RetryPolicy.Builder b = RetryPolicy.newBuilder().setRetryOn(on.toString()).setNumRetries(Protos.uint32(p.attempts()));
    if (p.perTryTimeout() != null) {
      b.setPerTryTimeout(Protos.duration(p.perTryTimeout()));
    }
    p.retriableStatusCodes().stream().sorted().forEach(b::addRetriableStatusCodes);
    if (p.backoff() != null) {
      b.setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(Protos.duration(p.backoff())));
    }
    return b.build();
  }

  static void rewrite(RouteAction.Builder a, @Nullable HttpRewrite rewrite) {
    if (rewrite == null) {
      return;
    }
    if (rewrite.uri() != null) {
      a.setPrefixRewrite(rewrite.uri());
    } else if (rewrite.uriRegexMatch() != null) {
      a.setRegexRewrite(RegexMatchAndSubstitute.newBuilder().setPattern(MatchBuilder.regex(rewrite.uriRegexMatch()))
          .setSubstitution(rewrite.uriRegexRewrite() == null ? "" : rewrite.uriRegexRewrite()));
    }
    if (rewrite.authority() != null) {
      a.setHostRewriteLiteral(rewrite.authority());
    }
  }

  /** {@code set} overwrites, {@code add} appends. */
  static List<HeaderValueOption> headersToAdd(Headers h) {
    List<HeaderValueOption> out = new java.util.ArrayList<>();
    add(out, h.set(), HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD);
    add(out, h.add(), HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD);
    return out;
  }

  private static void add(List<HeaderValueOption> out, Map<String, String> headers, HeaderValueOption.HeaderAppendAction action) {
    new java.util.TreeMap<>(headers).forEach((k, v) -> out.add(HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(k).setValue(v)).setAppendAction(action).build()));
  }

  static RedirectAction redirect(HttpRedirect r) {
    RedirectAction.Builder b = RedirectAction.newBuilder();
    if (r.uri() != null) {
      b.setPathRedirect(r.uri());
    } else if (r.prefixRewrite() != null) {
      b.setPrefixRewrite(r.prefixRewrite());
    }
    if (r.authority() != null) {
      b.setHostRedirect(r.authority());
    }
    if (r.port() > 0) {
      b.setPortRedirect(r.port());
    }
    if (r.scheme() != null) {
      b.setSchemeRedirect(r.scheme());
    }
    b.setResponseCode(switch (r.redirectCode()) {
      case 302 -> RedirectAction.RedirectResponseCode.FOUND;
      case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
      case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
      case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
      default -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
    });
    return b.build();
  }

  static DirectResponseAction directResponse(DirectResponse d) {
    DirectResponseAction.Builder b = DirectResponseAction.newBuilder().setStatus(d.status());
    if (d.body().length > 0) {
      b.setBody(DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(d.body())));
    }
    return b.build();
  }

  /** The fault filter's per-route config. */
  static Any fault(FaultInjection f) {
    HTTPFault.Builder b = HTTPFault.newBuilder();
    if (f.delay() != null) {
      b.setDelay(FaultDelay.newBuilder().setFixedDelay(Protos.duration(f.delay().fixedDelay()))
          .setPercentage(Protos.percent(f.delay().percentage())));
    }
    if (f.abort() != null) {
      FaultAbort.Builder a = FaultAbort.newBuilder().setPercentage(Protos.percent(f.abort().percentage()));
      String grpc = f.abort().grpcStatus();
      if (grpc != null) {
        a.setGrpcStatus(Status.Code.valueOf(grpc.toUpperCase(Locale.ROOT)).value());
      } else {
        a.setHttpStatus(f.abort().httpStatus());
      }
      b.setAbort(a);
    }
    return Any.pack(b.build());
  }
}
