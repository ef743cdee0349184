package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CORS on the server side in a real Jetty, with requests shaped as a browser sends them: the
 * "reviews" workload applies the corsPolicy of the VirtualService rule for its own service that
 * the request matches (/api: IGNORE unmatched preflights; /open: FORWARD them; /beta?preview=on: a
 * queryParams condition, read from the request's query string).
 */
class CorsTest {
  @TempDir Path dir;
  Mesh mesh;
  Server jetty;
  int port;
  final OkHttpClient browser = new OkHttpClient();

  @BeforeEach
  void start() throws Exception {
    Path file = dir.resolve("mesh.yaml");
    Files.writeString(file, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 127.0.0.1}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {prefix: /api}}]
            route: [{destination: {host: reviews}}]
            corsPolicy:
              allowOrigins: [{exact: "https://shop.example"}, {prefix: "https://dev-"}, {regex: "https://[a-z]+\\\\.cdn\\\\.example"}]
              allowMethods: [GET, PUT]
              allowHeaders: [x-token, content-type]
              exposeHeaders: [x-request-id]
              maxAge: 2h
              allowCredentials: true
              unmatchedPreflights: IGNORE
          - match: [{uri: {prefix: /beta}, queryParams: {preview: {exact: "on"}}}]
            route: [{destination: {host: reviews}}]
            corsPolicy:
              allowOrigins: [{exact: "https://beta.example"}]
              allowMethods: [GET]
          - match: [{uri: {prefix: /reviews.Reviews/}}]
            route: [{destination: {host: reviews}}]
            corsPolicy:
              allowOrigins: [{exact: "https://shop.example"}]
              allowMethods: [POST]
              allowHeaders: [content-type, x-grpc-web, x-user-agent, grpc-timeout]
              exposeHeaders: [grpc-status, grpc-message]
          - match: [{uri: {prefix: /open}}]
            route: [{destination: {host: reviews}}]
            corsPolicy:
              allowOrigins: [{exact: "https://shop.example"}]
              allowMethods: [GET]
          - route: [{destination: {host: reviews}}]
        """);
    mesh = Mesh.builder().workload("reviews").labels(Map.of("app", "reviews")).configFile(file).build();
    HttpServlet app = new HttpServlet() {
      @Override
      protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("x-app", "served");
        resp.setHeader("x-request-id", "r-1");
        resp.setStatus(200);
        resp.getWriter().write("app " + req.getMethod());
      }
    };
    jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(app), "/*");
    context.addFilter(new FilterHolder(MeshServletFilter.of(mesh)), "/*", EnumSet.of(DispatcherType.REQUEST));
    jetty.setHandler(context);
    jetty.start();
    port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    jetty.stop();
    mesh.close();
  }

  private Response send(String method, String path, String... headers) throws IOException {
    Request.Builder b = new Request.Builder().url("http://127.0.0.1:" + port + path)
        .method(method, method.equals("PUT") ? okhttp3.RequestBody.create(new byte[0]) : null);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return browser.newCall(b.build()).execute();
  }

  @Test
  void anAllowedPreflightIsAnsweredByTheMeshWithEveryAllowHeader() throws IOException {
    try (Response r = send("OPTIONS", "/api/items", "Origin", "https://dev-alice.example",
        "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-token")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("x-app")).as("never reaches the application").isNull();
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://dev-alice.example");
      assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("GET,PUT");
      assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("x-token,content-type");
      assertThat(r.header("Access-Control-Max-Age")).isEqualTo("7200");
      assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
      assertThat(r.body().string()).isEmpty();
    }
  }

  @Test
  void aPreflightFromAnotherOriginGetsNoCorsHeadersAndIsIgnoredOrForwardedAsConfigured() throws IOException {
    try (Response r = send("OPTIONS", "/api/items", "Origin", "https://evil.example", "Access-Control-Request-Method", "PUT")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("x-app")).as("IGNORE: answered by the mesh").isNull();
      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }
    try (Response r = send("OPTIONS", "/open", "Origin", "https://evil.example", "Access-Control-Request-Method", "GET")) {
      assertThat(r.header("x-app")).as("FORWARD: the application answers").isEqualTo("served");
      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }
  }

  @Test
  void aRuleWithAQueryParamsConditionAppliesItsCorsPolicyOnlyWhenTheQueryMatches() throws IOException {
    try (Response r = send("OPTIONS", "/beta/items?x=1&preview=%6Fn", "Origin", "https://beta.example",
        "Access-Control-Request-Method", "GET")) {
      assertThat(r.header("x-app")).as("answered by the mesh").isNull();
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://beta.example");
    }
    try (Response r = send("GET", "/beta/items?preview=on", "Origin", "https://beta.example")) {
      assertThat(r.header("x-app")).isEqualTo("served");
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://beta.example");
    }
    try (Response r = send("GET", "/beta/items?preview=off", "Origin", "https://beta.example")) {
      assertThat(r.header("x-app")).as("the catch-all rule, which has no corsPolicy").isEqualTo("served");
      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }
  }

  /** A browser's gRPC-web call to a servlet (a gRPC-web bridge): the preflight, then the POST, as grpc-web sends them. */
  @Test
  void aGrpcWebCallFromABrowserGetsItsPreflightAnsweredAndItsResponseHeaders() throws IOException {
    try (Response r = send("OPTIONS", "/reviews.Reviews/Get", "Origin", "https://shop.example",
        "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent")) {
      assertThat(r.header("x-app")).as("answered by the mesh").isNull();
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://shop.example");
      assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("POST");
      assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("content-type,x-grpc-web,x-user-agent,grpc-timeout");
    }
    Request post = new Request.Builder().url("http://127.0.0.1:" + port + "/reviews.Reviews/Get")
        .header("Origin", "https://shop.example").header("x-grpc-web", "1")
        .post(okhttp3.RequestBody.create(new byte[] {0, 0, 0, 0, 0}, okhttp3.MediaType.get("application/grpc-web+proto")))
        .build();
    try (Response r = browser.newCall(post).execute()) {
      assertThat(r.header("x-app")).isEqualTo("served");
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://shop.example");
      assertThat(r.header("Access-Control-Expose-Headers")).isEqualTo("grpc-status,grpc-message");
    }
  }

  @Test
  void anActualRequestFromAnAllowedOriginGetsTheOriginCredentialsAndExposedHeaders() throws IOException {
    try (Response r = send("GET", "/api/items", "Origin", "https://img.cdn.example", "Cookie", "s=1")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("app GET");
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://img.cdn.example");
      assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
      assertThat(r.header("Access-Control-Expose-Headers")).isEqualTo("x-request-id");
      assertThat(r.header("Access-Control-Max-Age")).as("preflights only").isNull();
    }
    try (Response r = send("GET", "/open", "Origin", "https://shop.example")) {
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://shop.example");
      assertThat(r.header("Access-Control-Allow-Credentials")).as("allowCredentials unset").isNull();
      assertThat(r.header("Access-Control-Expose-Headers")).isNull();
    }
  }

  @Test
  void requestsThatAreNotCorsForTheMatchedRuleAreLeftAlone() throws IOException {
    try (Response r = send("GET", "/api/items", "Origin", "https://evil.example")) {
      assertThat(r.body().string()).isEqualTo("app GET");
      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }
    try (Response r = send("GET", "/api/items")) {
      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }
    try (Response r = send("OPTIONS", "/elsewhere", "Origin", "https://shop.example", "Access-Control-Request-Method", "GET")) {
      assertThat(r.header("x-app")).as("a rule without corsPolicy").isEqualTo("served");
      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }
    try (Response r = send("OPTIONS", "/api/items", "Origin", "https://shop.example")) {
      assertThat(r.header("x-app")).as("OPTIONS without Access-Control-Request-Method is no preflight").isEqualTo("served");
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://shop.example");
    }
  }
}
