package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.meshlet.core.Mesh;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
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
 * RequestAuthentication and JWT-based AuthorizationPolicy through the real servlet filter on
 * embedded Jetty, with the issuer's key set served by MockWebServer: Envoy's 401 bodies, a missing
 * token passing, claims deciding ALLOW and DENY, the token header stripped and a claim forwarded,
 * key rotation, and a dry-run DENY that is counted and never denies.
 */
class JwtServletFilterTest {
  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  @TempDir Path dir;
  final MockWebServer issuer = new MockWebServer();
  final AtomicReference<String> jwks = new AtomicReference<>();
  final AtomicInteger fetches = new AtomicInteger();
  final OkHttpClient client = new OkHttpClient();
  RSAKey rsa;
  ECKey ec;
  Mesh mesh;
  Server jetty;
  int port;

  @BeforeEach
  void start() throws Exception {
    rsa = Jwts.rsa("rsa-1");
    ec = Jwts.ec("ec-1");
    jwks.set(Jwts.jwks(rsa, ec));
    issuer.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        fetches.incrementAndGet();
        return new MockResponse.Builder().code(200).setHeader("content-type", "application/json").body(jwks.get()).build();
      }
    });
    issuer.start();
    Path config = Files.writeString(dir.resolve("mesh.yaml"), """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: issuer, namespace: default}
        spec:
          selector: {matchLabels: {app: reviews}}
          jwtRules:
          - issuer: "%s"
            audiences: [reviews]
            jwksUri: "%s"
            outputClaimToHeaders: [{header: x-jwt-sub, claim: sub}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: require-jwt, namespace: default}
        spec:
          selector: {matchLabels: {app: reviews}}
          rules:
          - from: [{source: {requestPrincipals: ["%s/*"]}}]
          - to: [{operation: {paths: ["/public/*"]}}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny-blocked, namespace: default}
        spec:
          action: DENY
          rules:
          - when: [{key: "request.auth.claims[groups]", values: [blocked]}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: deny-interns
          namespace: default
          annotations: {istio.io/dry-run: "true"}
        spec:
          action: DENY
          rules:
          - when: [{key: "request.auth.claims[org][role]", values: [intern]}]
        """.formatted(Jwts.ISSUER, issuer.url("/jwks").toString(), Jwts.ISSUER));
    mesh = Mesh.builder().workload("reviews").labels(java.util.Map.of("app", "reviews")).configFile(config)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setStatus(200);
        resp.getWriter().write("authorization=" + req.getHeader("Authorization") + " sub=" + req.getHeader("x-jwt-sub")
            + " names=" + (java.util.Collections.list(req.getHeaderNames()).stream()
                .anyMatch(n -> n.equalsIgnoreCase("authorization")) ? "with-authorization" : "without-authorization"));
      }
    }), "/*");
    context.addFilter(new FilterHolder(MeshServletFilter.of(mesh)), "/*", EnumSet.of(DispatcherType.REQUEST));
    jetty.setHandler(context);
    jetty.start();
    port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    // The key set is fetched when the snapshot names it, off the request path.
    // Each probe's response is closed (its body read), so no connection is left half-read for the tests.
    await().atMost(Duration.ofSeconds(10)).until(() -> call("/private", Jwts.token(rsa, NOW, c -> {})).startsWith("200 "));
  }

  @AfterEach
  void stop() throws Exception {
    jetty.stop();
    mesh.close();
    issuer.close();
  }

  private Response get(String path, String token) throws IOException {
    Request.Builder b = new Request.Builder().url("http://127.0.0.1:" + port + path);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.newCall(b.build()).execute();
  }

  private String call(String path, String token) throws IOException {
    try (Response r = get(path, token)) {
      return r.code() + " " + r.body().string();
    }
  }

  @Test
  void validRs256AndEs256TokensReachTheApplicationWithoutTheirHeaderAndWithTheClaim() throws Exception {
    assertThat(call("/private", Jwts.token(rsa, NOW, c -> {})))
        .isEqualTo("200 authorization=null sub=alice names=without-authorization");
    assertThat(call("/private", Jwts.token(ec, NOW, c -> c.subject("bob")))).isEqualTo(
        "200 authorization=null sub=bob names=without-authorization");
  }

  @Test
  void invalidTokensAre401WithEnvoysBody() throws Exception {
    assertThat(call("/public/x", Jwts.token(rsa, NOW, c -> c.expirationTime(Date.from(NOW.minusSeconds(120))))))
        .isEqualTo("401 Jwt is expired");
    assertThat(call("/public/x", Jwts.token(rsa, NOW, c -> c.notBeforeTime(Date.from(NOW.plusSeconds(600))))))
        .isEqualTo("401 Jwt not yet valid");
    assertThat(call("/public/x", Jwts.token(rsa, NOW, c -> c.issuer("https://evil.example.com"))))
        .isEqualTo("401 Jwt issuer is not configured");
    assertThat(call("/public/x", Jwts.token(rsa, NOW, c -> c.audience("ratings"))))
        .isEqualTo("401 Audiences in Jwt are not allowed");
    assertThat(call("/public/x", Jwts.token(Jwts.rsa("rsa-1"), NOW, c -> {}))).isEqualTo("401 Jwt verification fails");
    String none = new com.nimbusds.jwt.PlainJWT(new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(Jwts.ISSUER)
        .subject("alice").audience("reviews").build()).serialize();
    assertThat(call("/public/x", none)).isEqualTo("401 Jwt header [alg] is not supported");
    try (Response r = get("/public/x", Jwts.token(rsa, NOW, c -> c.audience("ratings")))) {
      assertThat(r.header("www-authenticate")).startsWith("Bearer realm=\"http://127.0.0.1/public/x\"");
    }
  }

  @Test
  void aMissingTokenPassesWithoutARequestPrincipal() throws Exception {
    assertThat(call("/public/x", null)).startsWith("200 ");
    assertThat(call("/private", null)).isEqualTo("403 RBAC: access denied");
  }

  @Test
  void claimsDecideDenyAndADryRunDenyOnlyCounts() throws Exception {
    assertThat(call("/private", Jwts.token(rsa, NOW, c -> c.claim("groups", List.of("dev", "blocked")))))
        .isEqualTo("403 RBAC: access denied");
    assertThat(call("/private", Jwts.token(rsa, NOW, c -> c.claim("org", java.util.Map.of("role", "intern")))))
        .startsWith("200 ");
    assertThat(mesh.inbound().dryRunCounts()).anySatisfy(c -> {
      assertThat(c.policy().name()).isEqualTo("deny-interns");
      assertThat(c.allowed()).isFalse();
      assertThat(c.count()).isEqualTo(1);
    });
  }

  @Test
  void aNewKidIsFetchedOnceTheIssuerRotates() throws Exception {
    RSAKey next = Jwts.rsa("rsa-2");
    jwks.set(Jwts.jwks(rsa, next));
    String token = Jwts.token(next, NOW, c -> {});
    int before = fetches.get();
    // The unknown kid triggers a refetch in the background; the request itself never waits.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> call("/private", token).startsWith("200 "));
    assertThat(fetches.get()).isGreaterThan(before);
  }
}
