package io.meshlet.http;

import io.meshlet.core.resilience.AttemptResult;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.internal.http2.ErrorCode;
import okhttp3.internal.http2.StreamResetException;

/** Classifies OkHttp's failures of one try into the mesh's terms. */
final class Failures {
  private Failures() {}

  static AttemptResult.Failure classify(IOException e) {
    if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException) {
      return AttemptResult.Failure.CONNECT_FAILURE;
    }
    if (e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException) {
      return AttemptResult.Failure.CONNECT_FAILURE; // no connection to this endpoint: a TLS or identity failure
    }
    if (e instanceof SocketTimeoutException) {
      String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      return m.contains("connect") ? AttemptResult.Failure.CONNECT_FAILURE : AttemptResult.Failure.TIMEOUT;
    }
    if (e instanceof StreamResetException) {
      return ((StreamResetException) e).errorCode == ErrorCode.REFUSED_STREAM
          ? AttemptResult.Failure.REFUSED_STREAM : AttemptResult.Failure.RESET;
    }
    if (e instanceof SocketException || e instanceof EOFException) {
      return AttemptResult.Failure.RESET;
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("unexpected end of stream") || m.contains("reset") || m.contains("closed")) {
      return AttemptResult.Failure.RESET;
    }
    return AttemptResult.Failure.RESET;
  }
}
