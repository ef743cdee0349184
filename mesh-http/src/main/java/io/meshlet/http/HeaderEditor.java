package io.meshlet.http;

import io.meshlet.core.model.Headers;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;

/** Applies Istio header operations (set, add, remove) to OkHttp requests and responses. */
final class HeaderEditor {
  private HeaderEditor() {}

  static void apply(Headers ops, Request.Builder request) {
    for (Map.Entry<String, String> e : ops.set().entrySet()) {
      request.header(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : ops.add().entrySet()) {
      request.addHeader(e.getKey(), e.getValue());
    }
    for (String name : ops.remove()) {
      request.removeHeader(name);
    }
  }

  static Response apply(Headers ops, Response response) {
    if (ops.isEmpty()) {
      return response;
    }
    Response.Builder b = response.newBuilder();
    for (Map.Entry<String, String> e : ops.set().entrySet()) {
      b.header(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : ops.add().entrySet()) {
      b.addHeader(e.getKey(), e.getValue());
    }
    for (String name : ops.remove()) {
      b.removeHeader(name);
    }
    return b.build();
  }
}
