package io.meshlet.http;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.Mesh;
import io.meshlet.core.OutboundTrafficPolicy;
import io.meshlet.core.ResponseFlag;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.DirectResponse;
import io.meshlet.core.model.FaultInjection;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.resilience.LocalRateLimit;
import io.meshlet.core.routing.ResilientCall;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.CompiledDestination;
import io.meshlet.core.routing.CompiledRoute;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.routing.ServiceRoutes;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * An OkHttp application interceptor that routes every call through the mesh, as a sidecar would but
 * without the hop: {@code http://reviews:9080/...} is matched against the VirtualService for
 * {@code reviews}, split by weight, load-balanced over the chosen subset's endpoints, rewritten, and
 * sent straight to the endpoint with the original authority in the {@code Host} header.
 *
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
 * }</pre>
 *
 * <p>When the destination's DestinationRule sets {@code tls} ({@code ISTIO_MUTUAL}, {@code MUTUAL},
 * {@code SIMPLE}), the call goes over TLS to the endpoint: the interceptor switches the scheme to
 * {@code https} and gives OkHttp, for this call only, a socket factory that presents the mesh
 * certificate and checks the server's identity. The client needs no other setting. A server that
 * fails the check fails the call with response flag {@code UF} and a message naming the expected
 * and the presented identity.
 *
 * <p>A host the mesh does not know passes through unchanged (ALLOW_ANY) or fails (REGISTRY_ONLY).
 * Routing failures are {@link MeshRoutingException}s. Redirects a route answers with are followed
 * here, as OkHttp would follow them from a sidecar, unless {@link Builder#followRedirects(boolean)}
 * turns that off.
 */
public final class MeshInterceptor implements Interceptor {
  public static final int DEFAULT_MAX_REDIRECTS = 20;
  private static final MediaType TEXT_PLAIN = MediaType.get("text/plain");
  /** Key of the parsed {@code http://address:port/} kept on each endpoint. */
  private static final Object ENDPOINT_URL = new Object();

  private final Mesh mesh;
  private final boolean followRedirects;
  private final int maxRedirects;
  /** One TLS setup per DestinationRule tls setting, built on first use. */
  private final Map<ClientTlsSettings, OutboundTls> tls = new ConcurrentHashMap<>();
  /** The route table version {@link #tls} was last pruned for. */
  private volatile long tlsVersion = -1;

  private MeshInterceptor(Builder b) {
    this.mesh = b.mesh;
    this.followRedirects = b.followRedirects;
    this.maxRedirects = b.maxRedirects;
  }

  public static MeshInterceptor of(Mesh mesh) {
    return builder(mesh).build();
  }

  public static Builder builder(Mesh mesh) {
    return new Builder(requireNonNull(mesh, "mesh"));
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    for (int redirects = 0; ; redirects++) {
      RouteTable table = mesh.routeTable();
      ServiceRoutes service = table.lookup(request.url().host());
      if (service == null) {
        if (mesh.outboundTrafficPolicy() == OutboundTrafficPolicy.REGISTRY_ONLY) {
          throw new MeshRoutingException(ResponseFlag.BLOCKED,
              request.url().host() + " is not known to the mesh and the outbound traffic policy is REGISTRY_ONLY");
        }
        return chain.proceed(request);
      }
      OkHttpRequestView view = new OkHttpRequestView(request);
      CompiledRoute route = service.match(view);
      if (route == null) {
        throw new MeshRoutingException(ResponseFlag.NR, "no route for " + view + " in "
            + (service.virtualService() != null ? service.virtualService().id() : service.host()));
      }
      LocalRateLimit limit = route.rateLimit();
      if (limit != null && !limit.tryAcquire()) {
        Response limited = made(request, 429, "local rate limit: " + limit.source(), ResponseFlag.RL.name());
        return limited.newBuilder().header(LocalRateLimit.RATELIMITED_HEADER, "true").build();
      }
      switch (route.action()) {
        case DIRECT_RESPONSE:
          return directResponse(request, route);
        case REDIRECT:
          Request next = followRedirects && redirects < maxRedirects ? redirect(request, view, route) : null;
          if (next == null) {
            return redirectResponse(request, view, route);
          }
          request = next;
          continue;
        case FORWARD:
        default:
          return forward(chain, request, view, route);
      }
    }
  }

  private Response forward(Chain chain, Request request, OkHttpRequestView view, CompiledRoute route) throws IOException {
    CompiledDestination destination = route.pickDestination(mesh.random());
    Cluster cluster = destination.cluster(view.port());
    if (cluster == null) {
      throw new MeshRoutingException(ResponseFlag.NC, destination.unavailableReason(view.port()));
    }
    HttpUrl url = request.url();
    String path = route.rewritePath(view);
    Request.Builder out = request.newBuilder();
    String authority = route.rewriteAuthority();
    if (authority != null) {
      out.header("Host", authority);
    } else if (request.header("Host") == null) {
      // Keep the authority the caller used, as it would arrive through a sidecar.
      out.header("Host", view.authority());
    }
    HeaderEditor.apply(route.headers().request(), out);
    HeaderEditor.apply(destination.headers().request(), out);

    OutboundTls secure = tls(cluster);
    ResilientCall call = ResilientCall.start(route, cluster, request.method(), mesh.time(), mesh.random());
    String flags = injectDelay(call);
    FaultInjection.Abort abort = call.drawAbort();
    if (abort != null) {
      return made(request, abort.httpStatus() > 0 ? abort.httpStatus() : 503, "fault filter abort", join(flags, ResponseFlag.FI));
    }
    switch (call.admit()) {
      case POOL_FULL:
        return made(request, 503, "upstream overflow: " + cluster.name() + " is at its connectionPool limit",
            join(flags, ResponseFlag.UO));
      case BREAKER_OPEN:
        return made(request, 503, "upstream overflow: the circuit breaker of " + cluster.name() + " is "
            + cluster.clusterPolicy().breaker().state(), join(flags, ResponseFlag.UO));
      case ADMITTED:
      default:
        break;
    }
    try {
      Response response = tries(chain, out, url, path, view, call, secure);
      if (call.retriesExhausted()) {
        flags = join(flags, ResponseFlag.URX);
      }
      if (flags != null) {
        response = response.newBuilder().header(ResponseFlag.HEADER, flags).build();
      }
      response = HeaderEditor.apply(destination.headers().response(), response);
      return HeaderEditor.apply(route.headers().response(), response);
    } finally {
      call.end();
    }
  }

  /** Tries until a result is final: a response, or an exception that is not retried. */
  private Response tries(Chain chain, Request.Builder out, HttpUrl url, String path, OkHttpRequestView view, ResilientCall call,
      @Nullable OutboundTls secure) throws IOException {
    Cluster cluster = call.cluster();
    while (true) {
      Duration tryTimeout = call.tryTimeout();
      if (tryTimeout != null && (tryTimeout.isNegative() || tryTimeout.isZero())) {
        throw new MeshRoutingException(ResponseFlag.UT, "deadline passed before try " + (call.tries() + 1)
            + " to " + cluster.name());
      }
      HttpUrl target;
      Endpoint endpoint = null;
      if (cluster.isPassthrough()) {
        call.startPassthroughTry();
        target = path.equals(view.path()) && (secure == null || url.isHttps()) ? url
            : url.newBuilder().scheme(secure != null ? "https" : url.scheme()).port(url.port()).encodedPath(path).build();
      } else {
        endpoint = call.nextEndpoint(view);
        if (endpoint == null) {
          throw new MeshRoutingException(ResponseFlag.UH, noEndpoint(cluster));
        }
        // Start from the endpoint's own parsed URL: setting a host on a builder re-canonicalizes it
        // (IDNA) on every call, the largest cost of a routed call before this.
        target = endpoint.attachment(ENDPOINT_URL, MeshInterceptor::endpointUrl).newBuilder()
            .scheme(secure != null ? "https" : url.scheme())
            .port(endpoint.port())
            .encodedPath(path)
            .encodedQuery(url.encodedQuery())
            .build();
      }
      out.url(target);
      Chain tryChain = chain;
      Duration connect = call.connectTimeout(tryTimeout);
      tryChain = tryChain.withConnectTimeout((int) Math.max(1, connect.toMillis()), TimeUnit.MILLISECONDS);
      if (secure != null) {
        tryChain = tryChain.withSslSocketFactory(secure.socketFactory, secure.trustManager)
            .withHostnameVerifier(secure.verifier(cluster));
      }
      if (tryTimeout != null) {
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, tryTimeout.toMillis()));
        tryChain = tryChain.withReadTimeout(ms, TimeUnit.MILLISECONDS).withWriteTimeout(ms, TimeUnit.MILLISECONDS);
        out.header(Deadline.HEADER, Integer.toString(ms));
      }
      Response response = null;
      IOException failure = null;
      AttemptResult result;
      try {
        response = tryChain.proceed(out.build());
        result = AttemptResult.status(response.code());
      } catch (IOException e) {
        if (chain.call().isCanceled()) {
          call.onResult(AttemptResult.failure(AttemptResult.Failure.RESET));
          throw e;
        }
        failure = e;
        result = AttemptResult.failure(Failures.classify(e));
      }
      long retryIn = call.onResult(result);
      if (retryIn < 0) {
        if (response != null) {
          return response;
        }
        ResponseFlag flag = Failures.flag(result.failure());
        MeshRoutingException e = new MeshRoutingException(flag, describe(result, call, endpoint, failure));
        e.initCause(failure);
        throw e;
      }
      if (response != null) {
        response.close();
      }
      sleep(retryIn);
    }
  }

  private static String describe(AttemptResult result, ResilientCall call, @Nullable Endpoint endpoint,
      @Nullable IOException failure) {
    String what = result.failure() == AttemptResult.Failure.TIMEOUT ? "timed out" : result.toString();
    if (failure instanceof SSLException) {
      what += " (TLS: " + failure.getMessage() + ")";
    }
    String where = endpoint != null ? endpoint.hostPort() : call.cluster().host();
    StringBuilder sb = new StringBuilder("try ").append(call.tries()).append(" to ").append(call.cluster().name())
        .append(" (").append(where).append(") ").append(what);
    switch (call.refusal()) {
      case ATTEMPTS:
        sb.append("; no retry left (").append(call.routePolicy().retries().attempts()).append(" attempts)");
        break;
      case NON_IDEMPOTENT:
        sb.append("; not retried: non-idempotent request (see retries.meshlet.io/non-idempotent)");
        break;
      case DEADLINE:
        sb.append("; not retried: the deadline would pass");
        break;
      case BUDGET:
        sb.append("; not retried: retry budget exhausted");
        break;
      default:
        break;
    }
    return sb.toString();
  }

  /** The TLS of calls to {@code cluster}, or null for plaintext. */
  private @Nullable OutboundTls tls(Cluster cluster) throws MeshRoutingException {
    // Pruned on every table change, also when this call is plaintext: otherwise the last TLS
    // settings and their provider listeners would stay once no cluster uses TLS any more.
    RouteTable table = mesh.routeTable();
    if (table.version() != tlsVersion) {
      pruneTls(table);
    }
    ClientTlsSettings settings = cluster.tls();
    if (settings == null || !settings.enabled()) {
      return null;
    }
    OutboundTls secure = tls.get(settings);
    if (secure == null) {
      secure = OutboundTls.create(settings, mesh.certificates().orElse(null), cluster);
      OutboundTls raced = tls.putIfAbsent(settings, secure);
      secure = raced != null ? raced : secure;
    }
    return secure;
  }

  /**
   * Drops the OutboundTls of settings no cluster of {@code table} uses any more (with their provider
   * listener), once per route table version, so the cache holds what the config holds. A call still
   * routed on an older table may re-create one; it goes at the next change.
   */
  private void pruneTls(RouteTable table) {
    synchronized (tls) {
      if (table.version() == tlsVersion) {
        return;
      }
      if (!tls.isEmpty()) {
        Set<ClientTlsSettings> live = new HashSet<>();
        for (Cluster c : table.clusters()) {
          if (c.tls() != null) {
            live.add(c.tls());
          }
        }
        tls.entrySet().removeIf(e -> {
          if (live.contains(e.getKey())) {
            return false;
          }
          e.getValue().close();
          return true;
        });
      }
      tlsVersion = table.version();
    }
  }

  private static String noEndpoint(Cluster cluster) {
    int ejected = cluster.ejected().size();
    return cluster.noEndpointMessage() + (ejected > 0 ? " (" + ejected + " of " + cluster.endpoints().size() + " ejected)" : "");
  }

  private @Nullable String injectDelay(ResilientCall call) throws IOException {
    Duration delay = call.drawDelay();
    if (delay == null) {
      return null;
    }
    sleep(delay.toNanos());
    return ResponseFlag.DI.name();
  }

  private void sleep(long nanos) throws IOException {
    try {
      mesh.time().sleep(Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  private static String join(@Nullable String flags, ResponseFlag flag) {
    return flags == null ? flag.name() : flags + "," + flag.name();
  }

  /** A response the mesh makes itself (fault abort, overflow), with its response flags. */
  private static Response made(Request request, int code, String body, String flags) {
    return new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(code)
        .message(reason(code))
        .header(ResponseFlag.HEADER, flags)
        .body(ResponseBody.create(body, TEXT_PLAIN))
        .build();
  }

  private static HttpUrl endpointUrl(Endpoint endpoint) {
    return new HttpUrl.Builder().scheme("http").host(endpoint.address()).port(endpoint.port()).build();
  }

  private static Response directResponse(Request request, CompiledRoute route) {
    DirectResponse direct = route.directResponse();
    Response response = new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(direct.status())
        .message(reason(direct.status()))
        .body(ResponseBody.create(direct.body(), TEXT_PLAIN))
        .build();
    return HeaderEditor.apply(route.headers().response(), response);
  }

  private static Response redirectResponse(Request request, OkHttpRequestView view, CompiledRoute route) {
    Response response = new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(route.redirectCode())
        .message(reason(route.redirectCode()))
        .header("Location", route.redirectLocation(view, request.url().encodedQuery()))
        .body(ResponseBody.create(new byte[0], TEXT_PLAIN))
        .build();
    return HeaderEditor.apply(route.headers().response(), response);
  }

  /** The request OkHttp would make for this redirect (its rules: 307/308 keep the method and body, others become GET). */
  private static @Nullable Request redirect(Request request, OkHttpRequestView view, CompiledRoute route) {
    HttpUrl location = request.url().resolve(route.redirectLocation(view, request.url().encodedQuery()));
    if (location == null) {
      return null;
    }
    Request.Builder next = request.newBuilder().url(location).removeHeader("Host");
    int code = route.redirectCode();
    String method = request.method();
    if (code != 307 && code != 308 && !method.equals("GET") && !method.equals("HEAD")) {
      next.method("GET", null).removeHeader("Transfer-Encoding").removeHeader("Content-Length").removeHeader("Content-Type");
    }
    return next.build();
  }

  private static String reason(int code) {
    switch (code) {
      case 200: return "OK";
      case 301: return "Moved Permanently";
      case 302: return "Found";
      case 303: return "See Other";
      case 307: return "Temporary Redirect";
      case 308: return "Permanent Redirect";
      case 400: return "Bad Request";
      case 403: return "Forbidden";
      case 404: return "Not Found";
      case 429: return "Too Many Requests";
      case 500: return "Internal Server Error";
      case 503: return "Service Unavailable";
      default: return "";
    }
  }

  @Override
  public String toString() {
    return "MeshInterceptor[" + mesh + "]";
  }

  /** Options of a {@link MeshInterceptor}. */
  public static final class Builder {
    private final Mesh mesh;
    private boolean followRedirects = true;
    private int maxRedirects = DEFAULT_MAX_REDIRECTS;

    private Builder(Mesh mesh) {
      this.mesh = mesh;
    }

    /** Whether redirects answered by a route ({@code http[].redirect}) are followed; true by default. */
    public Builder followRedirects(boolean follow) {
      this.followRedirects = follow;
      return this;
    }

    public Builder maxRedirects(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxRedirects: " + max + " (expected: >= 0)");
      }
      this.maxRedirects = max;
      return this;
    }

    public MeshInterceptor build() {
      return new MeshInterceptor(this);
    }
  }
}
