package io.meshlet.http;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.pipeline.InboundVerdict;
import io.meshlet.core.pipeline.LocalReply;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.security.InboundDecision;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.core.pipeline.CallListener;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The mesh on the server side of a Jakarta Servlet application. For each inbound request it:
 *
 * <ul>
 *   <li>reads the caller's mesh identity from the client certificate the container verified and
 *       exposes it to the application as the request attribute {@value #PEER_ATTRIBUTE} (a {@link
 *       SpiffeId}; absent without a client certificate);
 *   <li>checks the call against the workload's PeerAuthentication, RequestAuthentication and
 *       AuthorizationPolicy (the mesh's inbound pipeline): a refused JSON Web Token is answered 401
 *       with Envoy's body ({@code Jwt is expired}, ...); the application sees the request header
 *       changes the pipeline asks for (the token's header removed unless {@code
 *       forwardOriginalToken}, {@code outputPayloadToHeader}, {@code outputClaimToHeaders}); a denied call is answered 403 with Envoy's body {@code RBAC: access denied}
 *       and never reaches the application; the decision, with its reason, is the request attribute
 *       {@value #DECISION_ATTRIBUTE} (an {@link InboundDecision}) and is logged at DEBUG. When the
 *       workload has nothing to enforce ({@link InboundPolicies#enforcesNothing()}: no {@code STRICT}
 *       port, no CUSTOM, DENY or ALLOW policy, no RequestAuthentication) every call is allowed without asking, and that
 *       attribute is absent;
 *   <li>applies the {@code corsPolicy} of the rule of this workload's own service (the
 *       VirtualService for the host named by its {@code app} label, else its name) that the request
 *       matches, as Envoy's CORS filter does: a preflight from an allowed origin is answered 200
 *       with the {@code Access-Control-Allow-*} headers and never reaches the application; an
 *       actual request from an allowed origin gets {@code Access-Control-Allow-Origin} (and
 *       {@code -Credentials}, {@code -Expose-Headers}) on its response;
 *   <li>applies the server-side rate limits (Meshlet {@code RateLimit} resources whose {@code
 *       workloadSelector} selects this workload): over the limit, the request is answered 429 with
 *       response flag {@code RL} and {@code x-envoy-ratelimited}, and never reaches the application;
 *   <li>attaches the caller's deadline ({@link Deadline#HEADER}, which {@link MeshInterceptor} sets
 *       on every try) to the request thread, so every outbound call the application makes while
 *       serving it, and all their retries, finish within the time the caller has left.
 * </ul>
 *
 * <p>Servlet containers own their TLS: configure the connector with {@code
 * MeshTls.serverContext(mesh.certificates().orElseThrow())} and ask for client certificates
 * ({@code wantClientAuth}, not {@code needClientAuth}: PeerAuthentication decides whether a client
 * certificate is required, and this filter enforces it). See {@code docs/mtls.md}.
 *
 * <p>The deadline is attached to the thread that runs the filter chain: work the application hands
 * to other threads (async servlets, executors) must carry it itself ({@link Deadline#current()}).
 */
public final class MeshServletFilter implements Filter {
  /** Request attribute: the caller's {@link SpiffeId}, from its verified client certificate. */
  public static final String PEER_ATTRIBUTE = "io.meshlet.peer";
  /** Request attribute: the {@link InboundDecision} for the call (mTLS mode, policy, reason). */
  public static final String DECISION_ATTRIBUTE = "io.meshlet.inbound";
  /** The body Envoy answers a denied call with. */
  public static final String DENIED_BODY = LocalReply.DENIED_BODY;

  private final Mesh mesh;

  private MeshServletFilter(Mesh mesh) {
    this.mesh = mesh;
  }

  public static MeshServletFilter of(Mesh mesh) {
    return new MeshServletFilter(requireNonNull(mesh, "mesh"));
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest) || !(response instanceof HttpServletResponse)) {
      chain.doFilter(request, response);
      return;
    }
    HttpServletRequest in = (HttpServletRequest) request;
    ServletInboundRequest inbound = new ServletInboundRequest(in);
    if (inbound.peer() != null) {
      in.setAttribute(PEER_ATTRIBUTE, inbound.peer());
    }
    InboundVerdict verdict = mesh.pipeline().inbound(inbound, Deadline.fromHeader(in.getHeader(Deadline.HEADER), mesh.time()));
    if (verdict.decision() != null) {
      in.setAttribute(DECISION_ATTRIBUTE, verdict.decision());
    }
    LocalReply reply = verdict.reply();
    HttpServletResponse out = (HttpServletResponse) response;
    if (reply != null) {
      answer(out, reply);
      verdict.end(reply.status(), in.getContentLengthLong(), reply.body().length);
      return;
    }
    // CORS headers of an allowed cross-origin request: set before the application writes, so they
    // are in the response when it commits.
    verdict.responseHeaders().forEach(out::setHeader);
    ServletRequest forward = verdict.requestHeaders().isEmpty() ? request
        : new InboundRequestHeaders(in, verdict.requestHeaders());
    if (verdict.event() == null) {
      serve(forward, response, chain, verdict.deadline());
      return;
    }
    boolean failed = true;
    try (CallListener.Scope traced = verdict.attachContext()) {
      serve(forward, response, chain, verdict.deadline());
      failed = false;
    } finally {
      if (failed || !in.isAsyncStarted()) {
        end(verdict, in, out, failed);
      } else {
        in.getAsyncContext().addListener(new Ending(verdict));
      }
    }
  }

  private static void serve(ServletRequest request, ServletResponse response, FilterChain chain, @Nullable Deadline deadline)
      throws IOException, ServletException {
    if (deadline == null) {
      chain.doFilter(request, response);
      return;
    }
    try (Deadline.Scope scope = deadline.attach()) {
      chain.doFilter(request, response);
    }
  }

  /** Reports the end of the call to the mesh's listeners: status and, where the headers tell them, body sizes. */
  private static void end(InboundVerdict verdict, HttpServletRequest in, HttpServletResponse out, boolean failed) {
    String length = out.getHeader("Content-Length");
    long responseBytes = -1;
    if (length != null) {
      try {
        responseBytes = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        responseBytes = -1;
      }
    }
    verdict.end(failed && !out.isCommitted() ? 500 : out.getStatus(), in.getContentLengthLong(), responseBytes);
  }

  /** Ends an asynchronous request's report when its response completes. */
  private record Ending(InboundVerdict verdict) implements AsyncListener {
    @Override
    public void onComplete(AsyncEvent event) {
      end(verdict, (HttpServletRequest) event.getSuppliedRequest(), (HttpServletResponse) event.getSuppliedResponse(), false);
    }

    @Override
    public void onTimeout(AsyncEvent event) {}

    @Override
    public void onError(AsyncEvent event) {}

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }
  }

  /** Answers the call here, with the mesh's plain-text reply, instead of passing it to the application. */
  private static void answer(HttpServletResponse out, LocalReply reply) throws IOException {
    if (!reply.flags().isEmpty()) {
      out.setHeader(ResponseFlag.HEADER, reply.flags().toString());
    }
    reply.headers().forEach(out::setHeader);
    byte[] body = reply.body();
    out.setStatus(reply.status());
    if (body.length == 0) {
      out.setContentLength(0);
      return;
    }
    out.setContentType("text/plain");
    out.setContentLength(body.length);
    out.getOutputStream().write(body);
  }

  @Override
  public String toString() {
    return "MeshServletFilter[" + mesh + "]";
  }
}
