package io.meshlet.spring;

import static java.util.Objects.requireNonNull;

import io.meshlet.http.MeshInterceptor;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Puts the application's HTTP clients on the mesh. One bean, auto-configured: {@link
 * #okHttpClient()} is the meshed client {@code @MeshClient} interfaces use; {@link
 * #mesh(OkHttpClient)} and {@link #mesh(RestClient.Builder)} mesh clients the application builds
 * itself.
 *
 * <pre>{@code
 * @Bean OkHttpClient payments(MeshHttpClients mesh) {
 *   return mesh.mesh(new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(2)).build());
 * }
 * @Bean RestClient ratings(MeshHttpClients mesh) {
 *   return mesh.mesh(RestClient.builder()).baseUrl("http://ratings:9080").build();
 * }
 * }</pre>
 */
public final class MeshHttpClients implements AutoCloseable {
  private final MeshInterceptor interceptor;
  private final OkHttpClient client;
  private final ClientHttpRequestFactory requestFactory;

  MeshHttpClients(MeshInterceptor interceptor) {
    this.interceptor = interceptor;
    this.client = interceptor.applyTo(new OkHttpClient());
    this.requestFactory = new OkHttpClientHttpRequestFactory(client);
  }

  /** The mesh's interceptor. */
  public MeshInterceptor interceptor() {
    return interceptor;
  }

  /** The meshed OkHttp client (shared connection pool and dispatcher). */
  public OkHttpClient okHttpClient() {
    return client;
  }

  /** A Spring {@link ClientHttpRequestFactory} over {@link #okHttpClient()}. */
  public ClientHttpRequestFactory requestFactory() {
    return requestFactory;
  }

  /**
   * The given client with the mesh's interceptor ({@link MeshInterceptor#applyTo}); the same client
   * when it already has it.
   */
  public OkHttpClient mesh(OkHttpClient client) {
    requireNonNull(client, "client");
    for (Interceptor i : client.interceptors()) {
      if (i == interceptor) {
        return client;
      }
    }
    return interceptor.applyTo(client);
  }

  /** Sends the builder's calls through the mesh: its request factory becomes {@link #requestFactory()}. */
  public RestClient.Builder mesh(RestClient.Builder builder) {
    return requireNonNull(builder, "builder").requestFactory(requestFactory);
  }

  /** Releases {@link #okHttpClient()}'s threads and idle connections (clients from {@link #mesh(OkHttpClient)} are the application's). */
  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "MeshHttpClients[" + interceptor + "]";
  }
}
