package io.meshlet.core.security;

import io.meshlet.core.identity.SpiffeId;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A call whose token RequestAuthentication validated: the adapter's view, with {@code request.auth.*}. */
final class AuthenticatedRequest implements InboundRequest {
  private final InboundRequest call;
  private final RequestAuth auth;

  AuthenticatedRequest(InboundRequest call, RequestAuth auth) {
    this.call = call;
    this.auth = auth;
  }

  @Override
  public @Nullable RequestAuth requestAuth() {
    return auth;
  }

  @Override
  public @Nullable SpiffeId peer() {
    return call.peer();
  }

  @Override
  public boolean secure() {
    return call.secure();
  }

  @Override
  public String sourceAddress() {
    return call.sourceAddress();
  }

  @Override
  public int destinationPort() {
    return call.destinationPort();
  }

  @Override
  public @Nullable String destinationAddress() {
    return call.destinationAddress();
  }

  @Override
  public @Nullable String sni() {
    return call.sni();
  }

  @Override
  public String host() {
    return call.host();
  }

  @Override
  public String method() {
    return call.method();
  }

  @Override
  public String path() {
    return call.path();
  }

  @Override
  public @Nullable String header(String name) {
    return call.header(name);
  }

  @Override
  public List<String> headers(String name) {
    return call.headers(name);
  }

  @Override
  public @Nullable String query() {
    return call.query();
  }

  @Override
  public String toString() {
    return call + " (request principal " + auth.principal() + ")";
  }
}
