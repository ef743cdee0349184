package io.meshlet.http;

import io.meshlet.core.pipeline.ResponseFlag;
import java.io.IOException;

/**
 * The mesh could not route a call: no route, no cluster, no endpoint, or a host that REGISTRY_ONLY
 * refuses. An {@link IOException}, as OkHttp requires of an interceptor's failures, whose message
 * says what happened and ends with Envoy's response flag: {@code no endpoint for
 * reviews.default.svc.cluster.local subset v2 port 9080 (UH)}.
 */
public final class MeshRoutingException extends IOException {
  private static final long serialVersionUID = 1L;

  private final ResponseFlag responseFlag;

  public MeshRoutingException(ResponseFlag responseFlag, String message) {
    super(message + " (" + responseFlag.name() + ")");
    this.responseFlag = responseFlag;
  }

  public ResponseFlag responseFlag() {
    return responseFlag;
  }

  /** Routing failures are expected outcomes; their stack traces say nothing the message does not. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
