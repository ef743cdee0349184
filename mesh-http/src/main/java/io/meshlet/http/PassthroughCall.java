package io.meshlet.http;

import io.meshlet.core.pipeline.Passthrough;
import io.meshlet.core.resilience.AttemptResult;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A call to a host the mesh does not know ({@code ALLOW_ANY}): sent as the caller made it, plus the
 * headers the mesh's listeners ask for (the trace context), and reported as Envoy reports its
 * {@code PassthroughCluster}: one try, its status or failure, the body sizes OkHttp knows.
 */
final class PassthroughCall {
  private PassthroughCall() {}

  static Response proceed(Interceptor.Chain chain, Request request, Passthrough p) throws IOException {
    if (!p.observed()) {
      return chain.proceed(request);
    }
    try {
      p.startTry();
      Request.Builder out = request.newBuilder();
      p.forEachTryHeader(out::header);
      Response response;
      try {
        response = chain.proceed(out.build());
      } catch (IOException e) {
        if (chain.call().isCanceled()) {
          p.cancelled();
          p.complete(AttemptResult.failure(AttemptResult.Failure.RESET));
        } else {
          p.complete(AttemptResult.failure(Failures.classify(e)));
        }
        throw e;
      }
      p.complete(AttemptResult.status(response.code()));
      p.reportBytes(MeshInterceptor.requestBytes(request), response.body().contentLength());
      return response;
    } finally {
      p.end();
    }
  }
}
