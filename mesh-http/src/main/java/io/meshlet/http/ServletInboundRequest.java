package io.meshlet.http;

import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.security.InboundRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An inbound call as the servlet container saw it. The peer identity comes from the client
 * certificate chain the container verified ({@code jakarta.servlet.request.X509Certificate}); with
 * {@code MeshTls.serverContext} that means verified against the mesh roots.
 */
final class ServletInboundRequest implements InboundRequest {
  /** The attribute servlet containers put the verified client certificate chain in. */
  static final String CERTIFICATES_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

  private final HttpServletRequest request;
  private final @Nullable SpiffeId peer;
  private @Nullable String path;

  ServletInboundRequest(HttpServletRequest request) {
    this.request = request;
    this.peer = peerOf(request);
  }

  /** The caller's SPIFFE id from the verified client chain; null over plaintext (checked first, cheaply) or without one. */
  static @Nullable SpiffeId peerOf(HttpServletRequest request) {
    if (!request.isSecure()) {
      return null;
    }
    Object chain = request.getAttribute(CERTIFICATES_ATTRIBUTE);
    return chain instanceof X509Certificate[] ? MeshTls.peerIdentity((X509Certificate[]) chain) : null;
  }

  @Override
  public @Nullable SpiffeId peer() {
    return peer;
  }

  @Override
  public boolean secure() {
    return request.isSecure();
  }

  @Override
  public String sourceAddress() {
    return request.getRemoteAddr();
  }

  @Override
  public int destinationPort() {
    return request.getLocalPort();
  }

  /** The container's local address of the connection ({@code getLocalAddr}). */
  @Override
  public @Nullable String destinationAddress() {
    String a = request.getLocalAddr();
    return a == null || a.isEmpty() ? null : a;
  }

  /** The TLS client's requested server name, where the container exposes the session ({@link ServletSni}). */
  @Override
  public @Nullable String sni() {
    return request.isSecure() ? ServletSni.of(request) : null;
  }

  @Override
  public String host() {
    return request.getServerName();
  }

  @Override
  public String method() {
    return request.getMethod();
  }

  /**
   * The path the container dispatches on: the context path, servlet path and path info, which the
   * container has percent-decoded and normalised (dot segments resolved, {@code ;parameters}
   * removed). Never the raw {@code getRequestURI()}: {@code /%61dmin} would then escape a policy on
   * {@code /admin} while the application serves {@code /admin}. The context path is the context's
   * own ({@code ServletContext.getContextPath()}), not the request's possibly encoded spelling of it.
   */
  @Override
  public String path() {
    String p = path;
    if (p == null) {
      path = p = dispatchPath(request);
    }
    return p;
  }

  static String dispatchPath(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String context = request.getServletContext() == null ? request.getContextPath()
        : request.getServletContext().getContextPath();
    String within = pathInfo == null ? servletPath : servletPath == null || servletPath.isEmpty() ? pathInfo
        : servletPath + pathInfo;
    if (within == null) {
      within = "";
    }
    String full = context == null || context.isEmpty() ? within : context + within;
    return full.isEmpty() ? "/" : full;
  }

  @Override
  public @Nullable String header(String name) {
    return request.getHeader(name);
  }

  /** Every line of the header, as the container received them ({@code getHeaders}). */
  @Override
  public List<String> headers(String name) {
    Enumeration<String> values = request.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }

  /** The raw query string, for a RequestAuthentication's {@code fromParams}. */
  @Override
  public @Nullable String query() {
    return request.getQueryString();
  }

  @Override
  public String toString() {
    return method() + " " + host() + path() + " from " + (peer != null ? peer : sourceAddress())
        + (secure() ? " (TLS)" : " (plaintext)");
  }
}
