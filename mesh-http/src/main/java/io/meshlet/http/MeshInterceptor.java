package io.meshlet.http;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.Mesh;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.pipeline.CallFailure;
import io.meshlet.core.pipeline.CallerContext;
import io.meshlet.core.pipeline.LocalReply;
import io.meshlet.core.pipeline.Mirror;
import io.meshlet.core.pipeline.OutboundCall;
import io.meshlet.core.pipeline.Passthrough;
import io.meshlet.core.pipeline.Redirect;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.pipeline.ResponseFlags;
import io.meshlet.core.pipeline.Routed;
import io.meshlet.core.resilience.AttemptResult;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.routing.RouteTable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
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
  private final @Nullable OkHttpClient mirrorClient;
  private volatile @Nullable MirrorSender mirrorSender;

  private MeshInterceptor(Builder b) {
    this.mesh = b.mesh;
    this.mirrorClient = b.mirrorClient;
    this.followRedirects = b.followRedirects;
    this.maxRedirects = b.maxRedirects;
  }

  public static MeshInterceptor of(Mesh mesh) {
    return builder(mesh).build();
  }

  public static Builder builder(Mesh mesh) {
    return new Builder(requireNonNull(mesh, "mesh"));
  }

  /**
   * {@code client} with this interceptor added and the caller's {@link Deadline} and trace context
   * captured when a call is created, so that calls run with {@code enqueue()} (on OkHttp's
   * dispatcher threads, where the caller's thread-locals are not) are bounded by that deadline and
   * traced as children of the caller's span too. The client's own event listener factory keeps working.
   */
  public OkHttpClient applyTo(OkHttpClient client) {
    return client.newBuilder()
        .addInterceptor(this)
        .eventListenerFactory(new CallerCapture(client.eventListenerFactory(), mesh.pipeline()))
        .build();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    CallerCapture.Captured captured = CallerCapture.take(chain.call());
    Deadline caller = Deadline.earliest(Deadline.current(), captured == null ? null : captured.deadline());
    CallerContext context = captured != null && captured.context() != null ? captured.context()
        : mesh.pipeline().captureContext();
    for (int redirects = 0; ; redirects++) {
      OkHttpRequestView view = new OkHttpRequestView(request);
      Routed routed = mesh.pipeline().outbound(view, caller, context);
      switch (routed.kind()) {
        case PASSTHROUGH:
          return PassthroughCall.proceed(chain, request, (Passthrough) routed);
        case FAILURE:
          CallFailure failure = (CallFailure) routed;
          throw new MeshRoutingException(failure.flag(), failure.message());
        case LOCAL_REPLY:
          return reply(request, (LocalReply) routed);
        case REDIRECT:
          Redirect redirect = (Redirect) routed;
          Request next = followRedirects && redirects < maxRedirects ? redirect(request, view, redirect) : null;
          if (next == null) {
            return redirectResponse(request, view, redirect);
          }
          request = next;
          continue;
        case FORWARD:
        default:
          return forward(chain, request, view, (OutboundCall) routed);
      }
    }
  }

  private Response forward(Chain chain, Request request, OkHttpRequestView view, OutboundCall call) throws IOException {
    try {
      Request.Builder out = request.newBuilder();
      String authority = call.authority();
      if (authority != null) {
        out.header("Host", authority);
      } else if (request.header("Host") == null) {
        // Keep the authority the caller used, as it would arrive through a sidecar.
        out.header("Host", view.authority());
      }
      HeaderEditor.apply(call.routeHeaders().request(), out);
      HeaderEditor.apply(call.destinationHeaders().request(), out);
      OutboundTls secure = tls(call.cluster());
      Duration delay = call.faultDelay();
      if (delay != null) {
        sleep(delay.toNanos());
      }
      LocalReply refused = call.admit();
      if (refused != null) {
        return reply(request, refused);
      }
      List<Mirror> mirrors = call.mirrors();
      if (!mirrors.isEmpty()) {
        mirrorSender().send(mirrorBase(request, view, call), mirrors);
      }
      Response response = tries(chain, out, request.url(), view, call, secure);
      if (call.observed()) {
        call.reportBytes(requestBytes(request), response.body().contentLength());
      }
      ResponseFlags flags = call.flags();
      if (!flags.isEmpty()) {
        response = response.newBuilder().header(ResponseFlag.HEADER, flags.toString()).build();
      }
      response = HeaderEditor.apply(call.destinationHeaders().response(), response);
      return HeaderEditor.apply(call.routeHeaders().response(), response);
    } finally {
      call.end();
    }
  }

  /** The request every copy starts from: the caller's, with the authority sent and the route's header operations. */
  private static Request mirrorBase(Request request, OkHttpRequestView view, OutboundCall call) {
    Request.Builder b = request.newBuilder();
    String authority = call.authority();
    b.header("Host", authority != null ? authority : request.header("Host") != null ? request.header("Host") : view.authority());
    HeaderEditor.apply(call.routeHeaders().request(), b);
    return b.build();
  }

  private MirrorSender mirrorSender() {
    MirrorSender s = mirrorSender;
    if (s == null) {
      synchronized (this) {
        s = mirrorSender;
        if (s == null) {
          s = new MirrorSender(mirrorClient != null ? mirrorClient : new OkHttpClient(),
              mesh.pipeline().mirrors().maxInFlight(), this::tls);
          mirrorSender = s;
        }
      }
    }
    return s;
  }

  /** Tries until a result is final: a response, or a failure that is not retried. */
  private Response tries(Chain chain, Request.Builder out, HttpUrl url, OkHttpRequestView view, OutboundCall call,
      @Nullable OutboundTls secure) throws IOException {
    Cluster cluster = call.cluster();
    String path = call.path();
    while (true) {
      CallFailure refused = call.startTry();
      if (refused != null) {
        throw new MeshRoutingException(refused.flag(), refused.message());
      }
      Duration tryTimeout = call.tryTimeout();
      Endpoint endpoint = call.endpoint();
      HttpUrl target;
      if (endpoint == null) {
        // A passthrough cluster: the address the caller asked for.
        target = path.equals(view.path()) && (secure == null || url.isHttps()) ? url
            : url.newBuilder().scheme(secure != null ? "https" : url.scheme()).port(url.port()).encodedPath(path).build();
      } else {
        // Start from the endpoint's own parsed URL: setting a host on a builder re-canonicalizes it
        // (IDNA) on every call, the largest cost of a routed call before this.
        target = endpointTarget(endpoint, secure != null ? "https" : url.scheme(), path, url.encodedQuery());
      }
      out.url(target);
      call.forEachTryHeader(out::header);
      Chain tryChain = chain;
      Duration connect = call.connectTimeout();
      tryChain = tryChain.withConnectTimeout((int) Math.max(1, connect.toMillis()), TimeUnit.MILLISECONDS);
      if (secure != null) {
        tryChain = tryChain.withSslSocketFactory(secure.socketFactory(cluster), secure.trustManager)
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
          call.cancelled();
          call.complete(AttemptResult.failure(AttemptResult.Failure.RESET));
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
        CallFailure f = call.failure(result, failure instanceof SSLException ? "TLS: " + failure.getMessage() : null);
        MeshRoutingException e = new MeshRoutingException(f.flag(), f.message());
        e.initCause(failure);
        throw e;
      }
      if (response != null) {
        response.close();
      }
      sleep(retryIn);
    }
  }

  static long requestBytes(Request request) {
    try {
      return request.body() == null ? 0 : request.body().contentLength();
    } catch (IOException e) {
      return -1;
    }
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

  private void sleep(long nanos) throws IOException {
    try {
      mesh.time().sleep(Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  /** An answer the mesh gives itself (direct response, rate limit, fault abort, overflow), with its response flags. */
  private static Response reply(Request request, LocalReply reply) {
    Response.Builder b = new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(reply.status())
        .message(reason(reply.status()))
        .body(ResponseBody.create(reply.body(), TEXT_PLAIN));
    if (!reply.flags().isEmpty()) {
      b.header(ResponseFlag.HEADER, reply.flags().toString());
    }
    reply.headers().forEach(b::header);
    return HeaderEditor.apply(reply.responseHeaderOps(), b.build());
  }

  /** The URL of {@code path} on {@code endpoint}, from the endpoint's own parsed URL. */
  static HttpUrl endpointTarget(Endpoint endpoint, String scheme, String path, @Nullable String encodedQuery) {
    return endpoint.attachment(ENDPOINT_URL, MeshInterceptor::endpointUrl).newBuilder()
        .scheme(scheme)
        .port(endpoint.port())
        .encodedPath(path)
        .encodedQuery(encodedQuery)
        .build();
  }

  static HttpUrl endpointTarget(Endpoint endpoint, boolean https, String path, @Nullable String encodedQuery) {
    return endpointTarget(endpoint, https ? "https" : "http", path, encodedQuery);
  }

  private static HttpUrl endpointUrl(Endpoint endpoint) {
    return new HttpUrl.Builder().scheme("http").host(endpoint.address()).port(endpoint.port()).build();
  }

  private static Response redirectResponse(Request request, OkHttpRequestView view, Redirect redirect) {
    Response response = new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(redirect.code())
        .message(reason(redirect.code()))
        .header("Location", redirect.location(view, request.url().encodedQuery()))
        .body(ResponseBody.create(new byte[0], TEXT_PLAIN))
        .build();
    return HeaderEditor.apply(redirect.responseHeaderOps(), response);
  }

  /** The request OkHttp would make for this redirect (its rules: 307/308 keep the method and body, others become GET). */
  private static @Nullable Request redirect(Request request, OkHttpRequestView view, Redirect redirect) {
    HttpUrl location = request.url().resolve(redirect.location(view, request.url().encodedQuery()));
    if (location == null) {
      return null;
    }
    Request.Builder next = request.newBuilder().url(location).removeHeader("Host");
    int code = redirect.code();
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
    private @Nullable OkHttpClient mirrorClient;

    private Builder(Mesh mesh) {
      this.mesh = mesh;
    }

    /**
     * The client whose settings (connection pool, timeouts, socket factory) mirrored copies are sent
     * with; a plain {@code OkHttpClient} by default. Never a client with this interceptor: the copies
     * are already routed. Its dispatcher is replaced by one sized to the mesh's mirror bound.
     */
    public Builder mirrorClient(OkHttpClient client) {
      this.mirrorClient = requireNonNull(client, "client");
      return this;
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
