package io.meshlet.core.security;

import io.meshlet.core.identity.SpiffeId;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the server side knows of one incoming call, as an adapter (servlet filter, gRPC interceptor) sees it. */
public interface InboundRequest {
  /** The peer's mesh identity from its verified client certificate; null without mutual TLS. */
  @Nullable SpiffeId peer();

  /** True when the call arrived over TLS (with or without a client certificate). */
  boolean secure();

  /** Address of the connection's peer ({@code source.ip}). */
  String sourceAddress();

  /** The local port the call arrived on ({@code destination.port}). */
  int destinationPort();

  /**
   * The local address the call arrived on ({@code destination.ip}), or null when the transport does
   * not say (then values of {@code destination.ip} never match and its notValues hold).
   */
  default @Nullable String destinationAddress() {
    return null;
  }

  /**
   * The server name the client asked for in its TLS handshake ({@code connection.sni}, {@code
   * ExtendedSSLSession.getRequestedServerNames}), or null over plaintext, without SNI, or when the
   * transport does not say.
   */
  default @Nullable String sni() {
    return null;
  }

  /** The {@code Host} or {@code :authority}, without port. */
  String host();

  String method();

  /**
   * The request path as the server dispatches on it, without the query: percent-decoded and
   * normalised (dot segments resolved), as Istio's default {@code BASE} path normalisation does
   * before authorization. Never the raw request target: {@code /%61dmin} must match {@code /admin}.
   */
  String path();

  /** The first value of a request header (case-insensitive name), or null. */
  @Nullable String header(String name);

  /**
   * Every value of a request header (case-insensitive name), one per header line in the order
   * received; empty when absent. Read only where all lines count, as for {@code X-Forwarded-For}
   * with trusted proxies (Envoy joins repeated lines before counting entries from the right). The
   * default returns {@link #header}'s single value: an adapter whose protocol allows repeated
   * header lines must override it.
   */
  default List<String> headers(String name) {
    String value = header(name);
    return value == null ? List.of() : List.of(value);
  }

  /**
   * The raw query string (after {@code ?}, still percent-encoded), or null when there is none or the
   * transport has none (gRPC). Read for a RequestAuthentication's {@code fromParams} and the server side's route {@code queryParams} (CORS), through {@link QueryString}.
   */
  default @Nullable String query() {
    return null;
  }

  /**
   * The validated JSON Web Token of this call ({@code request.auth.*}), or null: adapters never
   * implement it; the pipeline supplies it after RequestAuthentication.
   */
  default @Nullable RequestAuth requestAuth() {
    return null;
  }
}
