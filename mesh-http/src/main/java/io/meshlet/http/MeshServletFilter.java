package io.meshlet.http;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.Mesh;
import io.meshlet.core.ResponseFlag;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.resilience.LocalRateLimit;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The mesh on the server side of a Jakarta Servlet application. For each inbound request it:
 *
 * <ul>
 *   <li>applies the server-side rate limits (Meshlet {@code RateLimit} resources whose {@code
 *       workloadSelector} selects this workload): over the limit, the request is answered 429 with
 *       response flag {@code RL} and {@code x-envoy-ratelimited}, and never reaches the application;
 *   <li>attaches the caller's deadline ({@link Deadline#HEADER}, which {@link MeshInterceptor} sets
 *       on every try) to the request thread, so every outbound call the application makes while
 *       serving it, and all their retries, finish within the time the caller has left.
 * </ul>
 *
 * <p>The deadline is attached to the thread that runs the filter chain: work the application hands
 * to other threads (async servlets, executors) must carry it itself ({@link Deadline#current()}).
 */
public final class MeshServletFilter implements Filter {
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
    HttpServletResponse out = (HttpServletResponse) response;
    for (LocalRateLimit limit : mesh.routeTable().inboundRateLimits()) {
      if (!limit.tryAcquire()) {
        rateLimited(out, limit);
        return;
      }
    }
    Deadline deadline = Deadline.earliest(Deadline.current(), Deadline.fromHeader(in.getHeader(Deadline.HEADER), mesh.time()));
    if (deadline == null) {
      chain.doFilter(request, response);
      return;
    }
    try (Deadline.Scope scope = deadline.attach()) {
      chain.doFilter(request, response);
    }
  }

  private static void rateLimited(HttpServletResponse out, LocalRateLimit limit) throws IOException {
    byte[] body = ("local rate limit: " + limit.source()).getBytes(StandardCharsets.UTF_8);
    out.setStatus(429);
    out.setHeader(ResponseFlag.HEADER, ResponseFlag.RL.name());
    out.setHeader(LocalRateLimit.RATELIMITED_HEADER, "true");
    out.setContentType("text/plain");
    out.setContentLength(body.length);
    out.getOutputStream().write(body);
  }

  @Override
  public String toString() {
    return "MeshServletFilter[" + mesh + "]";
  }
}
