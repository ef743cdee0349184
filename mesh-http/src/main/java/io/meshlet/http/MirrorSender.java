package io.meshlet.http;

import io.meshlet.core.pipeline.Mirror;
import io.meshlet.core.routing.Cluster;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Sends the copies {@code OutboundCall.mirrors()} chose, fire and forget, on a client of its own
 * (OkHttp's dispatcher threads; the caller's thread only enqueues). Each copy goes to its
 * endpoint with the shadow {@code Host}, over the mirror cluster's TLS, and its response is closed
 * unread; it carries the headers listeners added to it (the caller's peer metadata). A body OkHttp can write only once (one-shot or duplex) cannot be copied: that mirror is
 * skipped and counted as dropped.
 */
final class MirrorSender {
  private final OkHttpClient client;

  MirrorSender(OkHttpClient base, int maxInFlight, TlsLookup tls) {
    Dispatcher dispatcher = new Dispatcher();
    // Mesh-core bounds the copies in flight; the dispatcher must not queue them behind its own limits.
    dispatcher.setMaxRequests(Math.max(1, maxInFlight));
    dispatcher.setMaxRequestsPerHost(Math.max(1, maxInFlight));
    this.client = base.newBuilder()
        .dispatcher(dispatcher)
        .followRedirects(false)
        .retryOnConnectionFailure(false)
        .addInterceptor(new TlsPerCopy(tls))
        .build();
  }

  /** The TLS of the calls to a cluster, as {@link MeshInterceptor} keeps it. */
  interface TlsLookup {
    @Nullable OutboundTls tls(Cluster cluster) throws IOException;
  }

  /** Enqueues a copy of {@code original} (with the route's header operations already applied) per mirror. */
  void send(Request original, List<Mirror> mirrors) {
    RequestBody body = original.body();
    boolean copyable = body == null || (!body.isOneShot() && !body.isDuplex());
    for (int i = 0; i < mirrors.size(); i++) {
      Mirror m = mirrors.get(i);
      if (!copyable) {
        m.skip();
        continue;
      }
      try {
        Request.Builder copy = original.newBuilder()
            .url(MeshInterceptor.endpointTarget(m.endpoint(), m.tls() != null && m.tls().enabled(), m.path(),
                original.url().encodedQuery()))
            .tag(Mirror.class, m);
        HeaderEditor.apply(m.headers().request(), copy);
        m.forEachHeader(copy::header);
        copy.header("Host", m.authority());
        Call call = client.newCall(copy.build());
        call.timeout().timeout(Math.max(1, m.timeout().toMillis()), TimeUnit.MILLISECONDS);
        call.enqueue(new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            m.done();
          }

          @Override
          public void onResponse(Call c, Response response) {
            response.close();
            m.done();
          }
        });
      } catch (RuntimeException e) {
        m.done(); // never the original's problem
      }
    }
  }

  /** Gives each copy its cluster's TLS for that call only, as the interceptor does for tries. */
  private static final class TlsPerCopy implements Interceptor {
    private final TlsLookup tls;

    TlsPerCopy(TlsLookup tls) {
      this.tls = tls;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Mirror m = chain.request().tag(Mirror.class);
      OutboundTls secure = m == null ? null : tls.tls(m.cluster());
      Chain c = chain;
      if (secure != null) {
        c = c.withSslSocketFactory(secure.socketFactory(m.cluster()), secure.trustManager).withHostnameVerifier(secure.verifier(m.cluster()));
      }
      return c.proceed(chain.request());
    }
  }
}
