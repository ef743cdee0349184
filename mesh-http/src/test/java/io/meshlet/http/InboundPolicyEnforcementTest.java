package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.identity.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MeshServletFilter enforcing PeerAuthentication and AuthorizationPolicy with Istio's semantics,
 * over real mutual TLS. Written against the YAML kinds and the engine of branch authz.
 */

class InboundPolicyEnforcementTest {
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");
  static final SpiffeId RATINGS = new SpiffeId("cluster.local", "default", "ratings");
  static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "default", "reviews");

  static final String POLICIES = """
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata: {name: reviews-strict, namespace: default}
      spec:
        selector: {matchLabels: {app: reviews}}
        mtls: {mode: STRICT}
      ---
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: deny-admin, namespace: default}
      spec:
        selector: {matchLabels: {app: reviews}}
        action: DENY
        rules:
        - to: [{operation: {paths: ["/admin/*"]}}]
      ---
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: allow-productpage, namespace: default}
      spec:
        selector: {matchLabels: {app: reviews}}
        action: ALLOW
        rules:
        - from: [{source: {principals: ["cluster.local/ns/default/sa/productpage"]}}]
      """;

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("cluster.local");
  Mesh reviews;
  TlsJetty jetty;
  Mesh caller;

  @BeforeEach
  void start() throws Exception {
    Path config = Files.writeString(dir.resolve("policies.yaml"), POLICIES);
    Path certs = Files.createDirectories(dir.resolve("reviews"));
    Pem.write(ca.issue(REVIEWS), certs.resolve("c.pem"), certs.resolve("k.pem"), certs.resolve("r.pem"));
    reviews = Mesh.builder().workload("reviews").labels(Map.of("app", "reviews")).configFile(config)
        .certificateFiles(certs.resolve("c.pem"), certs.resolve("k.pem"), certs.resolve("r.pem"))
        .build();
    jetty = new TlsJetty(reviews);
  }

  @AfterEach
  void stop() throws Exception {
    if (caller != null) {
      caller.close();
    }
    jetty.close();
    reviews.close();
  }

  /** A client mesh for {@code id} that calls reviews with ISTIO_MUTUAL. */
  private OkHttpClient client(SpiffeId id) throws IOException {
    Path certs = Files.createDirectories(dir.resolve(id.serviceAccount()));
    Pem.write(ca.issue(id), certs.resolve("c.pem"), certs.resolve("k.pem"), certs.resolve("r.pem"));
    caller = Mesh.builder().workload(id.serviceAccount())
        .certificateFiles(certs.resolve("c.pem"), certs.resolve("k.pem"), certs.resolve("r.pem"))
        .configFile(Files.writeString(dir.resolve(id.serviceAccount() + ".yaml"), """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              resolution: STATIC
              ports: [{number: 9080, name: http, protocol: HTTP}]
              endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec: {host: reviews, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}
            """.formatted(jetty.tlsPort())))
        .build();
    return new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(caller)).build();
  }

  private static Response get(OkHttpClient client, String url) throws IOException {
    return client.newCall(new Request.Builder().url(url).build()).execute();
  }

  @Test
  void strictRejectsPlaintextWithEnvoysBody() throws IOException {
    try (Response r = get(new OkHttpClient(), "http://127.0.0.1:" + jetty.plainPort() + "/reviews/1")) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).isEqualTo("RBAC: access denied");
    }
  }

  @Test
  void denyOnAPathWinsOverAllowAndTheRestIsAllowed() throws IOException {
    OkHttpClient productpage = client(PRODUCTPAGE);
    try (Response r = get(productpage, "http://reviews:9080/admin/stats")) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).isEqualTo("RBAC: access denied");
    }
    try (Response r = get(productpage, "http://reviews:9080/reviews/1")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).startsWith("peer=" + PRODUCTPAGE.uri() + " secure=true");
    }
  }

  @Test
  void anIdentityNoAllowPolicyNamesIsDenied() throws IOException {
    try (Response r = get(client(RATINGS), "http://reviews:9080/reviews/1")) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).isEqualTo("RBAC: access denied");
    }
  }

  /** Security review: the raw request URI let {@code /%61dmin/stats} past a DENY on {@code /admin/*}. */
  @Test
  void anEncodedOrParameterisedPathIsMatchedAsTheContainerDispatchesIt() throws IOException {
    OkHttpClient productpage = client(PRODUCTPAGE);
    for (String path : List.of("/%61dmin/stats", "/admin;x=1/stats", "/admin/%73tats")) {
      try (Response r = get(productpage, "http://reviews:9080" + path)) {
        assertThat(r.code()).as(path).isEqualTo(403);
        assertThat(r.body().string()).as(path).isEqualTo("RBAC: access denied");
      }
    }
  }

  /**
   * Second security review: only the first X-Forwarded-For line was read, so behind a proxy that adds
   * a new line instead of appending, the client's own line chose the remote address. The container's
   * lines all count (getHeaders), from the right.
   */
  @Test
  void everyXForwardedForLineCountsWithTrustedProxies() throws Exception {
    Path config = Files.writeString(dir.resolve("xff.yaml"), """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: block, namespace: default}
        spec:
          action: DENY
          rules:
          - from: [{source: {remoteIpBlocks: [203.0.113.0/24]}}]
        """);
    Path certs = dir.resolve("reviews");
    try (Mesh behindProxy = Mesh.builder().workload("reviews").configFile(config).numTrustedProxies(1)
            .certificateFiles(certs.resolve("c.pem"), certs.resolve("k.pem"), certs.resolve("r.pem")).build();
        TlsJetty server = new TlsJetty(behindProxy)) {
      Request twoLines = new Request.Builder().url("http://127.0.0.1:" + server.plainPort() + "/reviews/1")
          .addHeader("X-Forwarded-For", "10.1.1.1").addHeader("X-Forwarded-For", "203.0.113.7").build();
      try (Response r = new OkHttpClient().newCall(twoLines).execute()) {
        assertThat(r.code()).as("the proxy's line, not the client's").isEqualTo(403);
      }
    }
  }
}
