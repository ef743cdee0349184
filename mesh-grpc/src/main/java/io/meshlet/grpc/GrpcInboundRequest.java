package io.meshlet.grpc;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.security.InboundRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * An incoming gRPC call as the mesh's authorization sees it: the path is the full method ({@code
 * /package.Service/Method}), the method {@code POST}, the headers the metadata; the peer identity
 * is the SPIFFE id of the client certificate the TLS handshake verified.
 */
final class GrpcInboundRequest implements InboundRequest {
  private final Attributes attributes;
  private final String path;
  private final @Nullable String authority;
  private final Metadata headers;
  private final @Nullable SpiffeId peer;
  private final boolean secure;
  private final @Nullable SSLSession session;

  GrpcInboundRequest(ServerCall<?, ?> call, Metadata headers) {
    this.attributes = call.getAttributes();
    this.path = "/" + call.getMethodDescriptor().getFullMethodName();
    this.authority = call.getAuthority();
    this.headers = headers;
    SSLSession session = attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    this.secure = session != null;
    this.session = session;
    this.peer = session == null ? null : peerOf(session);
  }

  private static @Nullable SpiffeId peerOf(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      List<X509Certificate> x509 = new ArrayList<>(chain.length);
      for (Certificate c : chain) {
        if (c instanceof X509Certificate) {
          x509.add((X509Certificate) c);
        }
      }
      return MeshTls.peerIdentity(x509.toArray(new X509Certificate[0]));
    } catch (SSLPeerUnverifiedException e) {
      return null; // no client certificate
    }
  }

  @Override
  public @Nullable SpiffeId peer() {
    return peer;
  }

  @Override
  public boolean secure() {
    return secure;
  }

  @Override
  public String sourceAddress() {
    SocketAddress a = attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (a instanceof InetSocketAddress) {
      InetSocketAddress i = (InetSocketAddress) a;
      return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
    }
    return "";
  }

  @Override
  public int destinationPort() {
    SocketAddress a = attributes.get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
    return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getPort() : 0;
  }

  @Override
  public @Nullable String destinationAddress() {
    SocketAddress a = attributes.get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
    if (a instanceof InetSocketAddress) {
      InetSocketAddress i = (InetSocketAddress) a;
      return i.getAddress() != null ? i.getAddress().getHostAddress() : null;
    }
    return null;
  }

  /** The host name the client asked for in its TLS handshake ({@code ExtendedSSLSession}), or null. */
  @Override
  public @Nullable String sni() {
    return session == null ? null : MeshTls.requestedServerName(session);
  }

  /** The {@code :authority} without port. */
  @Override
  public String host() {
    String a = authority;
    if (a == null) {
      return "";
    }
    if (a.startsWith("[")) {
      int close = a.indexOf(']');
      return close > 0 ? a.substring(1, close) : a;
    }
    int colon = a.lastIndexOf(':');
    return colon >= 0 ? a.substring(0, colon) : a;
  }

  @Override
  public String method() {
    return "POST";
  }

  /** The full method: gRPC dispatches on it exactly, with no decoding or normalisation to escape a policy. */
  @Override
  public String path() {
    return path;
  }

  @Override
  public @Nullable String header(String name) {
    return GrpcRequestView.header(headers, name.toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public List<String> headers(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    if (n.endsWith(Metadata.BINARY_HEADER_SUFFIX) || n.isEmpty() || n.charAt(0) == ':') {
      String one = header(n);
      return one == null ? List.of() : List.of(one);
    }
    Iterable<String> all = headers.getAll(Metadata.Key.of(n, Metadata.ASCII_STRING_MARSHALLER));
    List<String> out = new ArrayList<>();
    if (all != null) {
      all.forEach(out::add);
    }
    return out;
  }

  @Override
  public String toString() {
    return "POST " + authority + path + " from " + (peer != null ? peer : sourceAddress()) + (secure ? " (TLS)" : " (plaintext)");
  }
}
