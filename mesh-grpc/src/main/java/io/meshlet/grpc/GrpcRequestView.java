package io.meshlet.grpc;

import io.grpc.Metadata;
import io.meshlet.core.routing.RequestView;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A gRPC call as the mesh routes it, read straight from the call: the full method ({@code
 * /package.Service/Method}) is the path, the metadata are the headers, the target is the host and
 * authority; the method is {@code POST} and the content type {@code application/grpc}, as on the wire.
 * A metadata value is decoded from its bytes on each lookup (gRPC keeps metadata serialized).
 */
final class GrpcRequestView implements RequestView {
  static final String CONTENT_TYPE = "application/grpc";
  /** Metadata keys by name, so a header lookup does not build (and validate) a key each time. Bounded. */
  private static final ConcurrentHashMap<String, Metadata.Key<?>> KEYS = new ConcurrentHashMap<>();
  private static final int MAX_KEYS = 4096;

  private final Target target;
  private final String path;
  private final String authority;
  private final Metadata headers;

  GrpcRequestView(Target target, String fullMethodName, @Nullable String authority, Metadata headers) {
    this.target = target;
    this.path = "/" + fullMethodName;
    this.authority = authority != null ? authority : target.authority();
    this.headers = headers;
  }

  @Override
  public String method() {
    return "POST";
  }

  @Override
  public String scheme() {
    return "http";
  }

  @Override
  public String host() {
    return target.host();
  }

  @Override
  public int port() {
    return target.port();
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public @Nullable String header(String lowerCaseName) {
    return header(headers, lowerCaseName);
  }

  /** A metadata value by (lower-case) name: text as sent, binary ({@code -bin}) base64-encoded as on the wire. */
  static @Nullable String header(Metadata headers, String name) {
    if (name.equals("content-type")) {
      return CONTENT_TYPE;
    }
    if (name.isEmpty() || name.charAt(0) == ':') {
      return null;
    }
    Metadata.Key<?> key = KEYS.get(name);
    if (key == null) {
      try {
        key = name.endsWith(Metadata.BINARY_HEADER_SUFFIX)
            ? Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER)
            : Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
      } catch (IllegalArgumentException e) {
        return null; // not a valid metadata name: no call carries it
      }
      if (KEYS.size() < MAX_KEYS) {
        KEYS.putIfAbsent(name, key);
      }
    }
    Object value = first(headers, key);
    if (value instanceof byte[]) {
      return Base64.getEncoder().withoutPadding().encodeToString((byte[]) value);
    }
    return (String) value;
  }

  /** The first value, as {@link RequestView#header} asks ({@link Metadata#get} returns the last). */
  private static <T> @Nullable T first(Metadata headers, Metadata.Key<T> key) {
    if (!headers.containsKey(key)) {
      return null;
    }
    Iterable<T> all = headers.getAll(key);
    return all == null ? null : all.iterator().next();
  }

  /** gRPC has no query string. */
  @Override
  public @Nullable String queryParameter(String name) {
    return null;
  }

  @Override
  public String toString() {
    return "POST " + authority + path;
  }
}
