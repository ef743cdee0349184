package io.meshlet.core.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches a JSON Web Key Set ({@code jwksUri}) without blocking the caller. The default uses the
 * JDK's HTTP client, whose own threads do the work, so neither the control thread nor a request
 * thread ever waits for the issuer.
 */
@FunctionalInterface
public interface JwksFetcher {
  /** The body of {@code uri} (a JWKS document), failing on a non-2xx status or after {@code timeout}. */
  CompletableFuture<String> fetch(URI uri, Duration timeout);

  /** The JDK HTTP client, following redirects as Envoy's fetcher does not need to, but issuers do. */
  static JwksFetcher http() {
    return Http.INSTANCE;
  }

  /** The JDK client, created on first use. */
  final class Http implements JwksFetcher {
    static final Http INSTANCE = new Http();
    private volatile HttpClient client;

    private Http() {}

    @Override
    public CompletableFuture<String> fetch(URI uri, Duration timeout) {
      HttpClient c = client;
      if (c == null) {
        synchronized (this) {
          c = client;
          if (c == null) {
            client = c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(timeout).build();
          }
        }
      }
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
      return c.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
        if (r.statusCode() / 100 != 2) {
          throw new IllegalStateException(uri + ": HTTP " + r.statusCode());
        }
        return r.body();
      });
    }
  }
}
