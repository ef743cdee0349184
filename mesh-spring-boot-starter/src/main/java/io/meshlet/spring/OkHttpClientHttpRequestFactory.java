package io.meshlet.spring;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.AbstractBufferingClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Spring's HTTP client abstraction over an {@link OkHttpClient} (Spring Framework 7 dropped its own).
 * Bodies are buffered, as they were in {@code OkHttp3ClientHttpRequestFactory}: OkHttp needs the
 * whole body to retry a call, which the mesh's retries do.
 */
final class OkHttpClientHttpRequestFactory implements ClientHttpRequestFactory {
  private final OkHttpClient client;

  OkHttpClientHttpRequestFactory(OkHttpClient client) {
    this.client = client;
  }

  @Override
  public ClientHttpRequest createRequest(URI uri, HttpMethod method) {
    return new OkHttpRequest(client, uri, method);
  }

  @Override
  public String toString() {
    return "OkHttpClientHttpRequestFactory[" + client.interceptors() + "]";
  }

  private static final class OkHttpRequest extends AbstractBufferingClientHttpRequest {
    private final OkHttpClient client;
    private final URI uri;
    private final HttpMethod method;

    OkHttpRequest(OkHttpClient client, URI uri, HttpMethod method) {
      this.client = client;
      this.uri = uri;
      this.method = method;
    }

    @Override
    public HttpMethod getMethod() {
      return method;
    }

    @Override
    public URI getURI() {
      return uri;
    }

    @Override
    protected ClientHttpResponse executeInternal(HttpHeaders headers, byte[] content) throws IOException {
      Request.Builder request = new Request.Builder().url(uri.toURL());
      headers.forEach((name, values) -> {
        // OkHttp frames the body itself; a copied Content-Length would also go out on a bodiless GET.
        if (name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH) || name.equalsIgnoreCase(HttpHeaders.TRANSFER_ENCODING)) {
          return;
        }
        for (String value : values) {
          request.addHeader(name, value);
        }
      });
      String method = this.method.name();
      request.method(method, body(method, headers, content));
      return new OkHttpResponse(client.newCall(request.build()).execute());
    }

    private static @Nullable RequestBody body(String method, HttpHeaders headers, byte[] content) {
      boolean required = method.equals("POST") || method.equals("PUT") || method.equals("PATCH")
          || method.equals("PROPPATCH") || method.equals("REPORT");
      if (content.length == 0 && !required) {
        return null;
      }
      org.springframework.http.MediaType type = headers.getContentType();
      return RequestBody.create(content, type == null ? null : MediaType.parse(type.toString()));
    }
  }

  private static final class OkHttpResponse implements ClientHttpResponse {
    private final Response response;
    private @Nullable HttpHeaders headers;

    OkHttpResponse(Response response) {
      this.response = response;
    }

    @Override
    public HttpStatusCode getStatusCode() {
      return HttpStatusCode.valueOf(response.code());
    }

    @Override
    public String getStatusText() {
      return response.message();
    }

    @Override
    public HttpHeaders getHeaders() {
      HttpHeaders h = headers;
      if (h == null) {
        h = new HttpHeaders();
        okhttp3.Headers in = response.headers();
        for (int i = 0; i < in.size(); i++) {
          h.add(in.name(i), in.value(i));
        }
        headers = h;
      }
      return h;
    }

    @Override
    public InputStream getBody() {
      ResponseBody body = response.body();
      return body.byteStream();
    }

    @Override
    public void close() {
      response.close();
    }
  }
}
