package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.resilience.LocalRateLimit;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
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
 * The server side in a real Jetty: the "reviews" workload serves requests through MeshServletFilter
 * and calls "ratings" (a real backend) through MeshInterceptor while serving them.
 */
class MeshServletFilterTest {
  @TempDir Path dir;
  Backend ratings;
  Mesh mesh;
  Server jetty;
  int port;
  final OkHttpClient plain = new OkHttpClient();

  @BeforeEach
  void start() throws Exception {
    ratings = new Backend("ratings");
    Path file = dir.resolve("mesh.yaml");
    Files.writeString(file, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ratings}
        spec:
          hosts: [ratings]
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
        ---
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: RateLimit
        metadata: {name: reviews-inbound}
        spec:
          workloadSelector: {labels: {app: reviews}}
          limitForPeriod: 5
          limitRefreshPeriod: 1h
        """.formatted(ratings.port()));
    mesh = Mesh.builder().workload("reviews").labels(Map.of("app", "reviews", "version", "v1")).configFile(file).build();
    OkHttpClient outbound = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();

    HttpServlet reviews = new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Deadline d = Deadline.current();
        resp.setHeader("x-deadline-seen", d == null ? "none" : Long.toString(d.remainingNanos(mesh.time()) / 1_000_000));
        try (Response r = outbound.newCall(new Request.Builder().url("http://ratings:9080/ratings/1").build()).execute()) {
          resp.setStatus(200);
          resp.getWriter().write("reviews+" + r.body().string());
        } catch (MeshRoutingException e) {
          resp.setStatus(504);
          resp.getWriter().write(e.responseFlag() + ": " + e.getMessage());
        }
      }
    };
    jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(reviews), "/*");
    context.addFilter(new FilterHolder(MeshServletFilter.of(mesh)), "/*", EnumSet.of(DispatcherType.REQUEST));
    jetty.setHandler(context);
    jetty.start();
    port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    jetty.stop();
    mesh.close();
    ratings.close();
  }

  @Test
  void theCallersDeadlineBoundsTheOutboundCallsMadeWhileServing() throws IOException {
    try (Response r = inbound(Map.of(Deadline.HEADER, "5000"))) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("reviews+ratings");
      assertThat(Long.parseLong(r.header("x-deadline-seen"))).isBetween(1L, 5000L);
    }
    long passedOn = Long.parseLong(ratings.last().getHeaders().get(Deadline.HEADER));
    assertThat(passedOn).as("the time left, passed on to ratings").isBetween(1L, 5000L);

    try (Response r = inbound(Map.of())) {
      assertThat(r.header("x-deadline-seen")).isEqualTo("none");
    }
  }

  @Test
  void anExpiredDeadlineStopsTheOutboundCallWithUt() throws IOException {
    ratings.behave(Backend.Behavior.HANG);
    try (Response r = inbound(Map.of(Deadline.HEADER, "150"))) {
      assertThat(r.code()).isEqualTo(504);
      assertThat(r.body().string()).startsWith("UT: ");
    }
  }

  @Test
  void theServerSideRateLimitAnswers429BeforeTheApplication() throws IOException {
    for (int i = 0; i < 5; i++) {
      try (Response r = inbound(Map.of())) {
        assertThat(r.code()).isEqualTo(200);
      }
    }
    try (Response r = inbound(Map.of())) {
      assertThat(r.code()).isEqualTo(429);
      assertThat(r.header(ResponseFlag.HEADER)).isEqualTo("RL");
      assertThat(r.header(LocalRateLimit.RATELIMITED_HEADER)).isEqualTo("true");
    }
    assertThat(ratings.hits()).as("the limited request never reached the application").isEqualTo(5);
  }

  /**
   * Security review (cost): without TLS and without policies the filter built a request view, read
   * the certificate attribute and stored a decision on every request. Now a plaintext call there
   * only asks {@code isSecure()}.
   */
  @Test
  void withNothingToEnforceAPlaintextCallTouchesNoRequestAttribute() throws Exception {
    assertThat(mesh.inbound().enforcesNothing()).isTrue();
    List<String> calls = new ArrayList<>();
    HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
          calls.add(method.getName());
          return method.getReturnType() == boolean.class ? false
              : method.getReturnType() == int.class ? 0 : null;
        });
    HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> null);
    boolean[] passed = {false};
    MeshServletFilter.of(mesh).doFilter(request, response, (req, resp) -> passed[0] = true);
    assertThat(passed[0]).isTrue();
    assertThat(calls).doesNotContain("getAttribute", "setAttribute", "getRequestURI", "getServletPath")
        .contains("isSecure");
  }

  private Response inbound(Map<String, String> headers) throws IOException {
    Request.Builder b = new Request.Builder().url("http://127.0.0.1:" + port + "/reviews/1");
    headers.forEach(b::header);
    return plain.newCall(b.build()).execute();
  }
}
