package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.http.MeshInterceptor;
import io.meshlet.http.MeshServletFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security end to end over real TLS, every piece as a user would wire it (docs/xds.md, "Security
 * end to end"): a MeshControlPlane serves {@link SecurityYaml} from a directory; reviews runs Jetty
 * 12 with {@code MeshTls.serverContext} and {@link MeshServletFilter}, its Mesh built from an xDS
 * bootstrap whose {@code certificate_providers.default} file_watcher names certificates MeshCa
 * issued, with {@code serverPort} = Jetty's port; productpage and ratings, each with its own
 * bootstrap and certificates, call it through OkHttp and {@link MeshInterceptor}, which uses TLS
 * because the DestinationRule from xDS says ISTIO_MUTUAL.
 */
class SecurityEndToEndTest {
  static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "default", "reviews");
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");
  static final SpiffeId RATINGS = new SpiffeId("cluster.local", "default", "ratings");

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("cluster.local");
  final List<AutoCloseable> closing = new ArrayList<>();
  Path configDir;
  MeshControlPlane cp;
  Server jetty;
  ServerConnector connector;
  Mesh reviews;
  int port;

  @BeforeEach
  void start() throws Exception {
    // Jetty binds a free port first: the mesh must know it (serverPort), and the YAML names it.
    jetty = new Server();
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setWantClientAuth(true); // PeerAuthentication decides whether a certificate is required, not the handshake
    HttpConfiguration https = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false); // mesh certificates name a SPIFFE id, not a host
    https.addCustomizer(secure);
    // TLS and plaintext on one port, as a PERMISSIVE Istio port accepts both: STRICT is then the mesh's to enforce.
    SslConnectionFactory tls = new SslConnectionFactory(ssl, "http/1.1");
    connector = new ServerConnector(jetty, new DetectorConnectionFactory(tls), new HttpConnectionFactory(https));
    connector.setHost("127.0.0.1");
    jetty.addConnector(connector);
    connector.open();
    port = connector.getLocalPort();

    configDir = Files.createDirectory(dir.resolve("config"));
    writeConfig(SecurityYaml.PRODUCTPAGE);
    cp = MeshControlPlane.builder().configDir(configDir).port(0).pollInterval(Duration.ofMillis(50)).build().start();
    closing.add(cp);

    reviews = workload(REVIEWS, true);
    ssl.setSslContext(MeshTls.serverContext(reviews.certificates().orElseThrow()));
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new Echo()), "/*");
    context.addFilter(new FilterHolder(MeshServletFilter.of(reviews)), "/*", EnumSet.of(DispatcherType.REQUEST));
    jetty.setHandler(context);
    jetty.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void productpageIsAllowedRatingsIsDeniedPlaintextIsRefusedAndAnEditAllowsRatings() throws Exception {
    assertThat(reviews.inbound().mtlsMode(port)).isEqualTo(MtlsMode.STRICT);
    OkHttpClient productpage = client(PRODUCTPAGE);
    OkHttpClient ratings = client(RATINGS);

    try (Response r = get(productpage, "http://reviews:9080/reviews/1")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("peer=" + PRODUCTPAGE.uri() + " secure=true");
    }
    try (Response r = get(ratings, "http://reviews:9080/reviews/1")) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).isEqualTo(MeshServletFilter.DENIED_BODY);
    }
    // Plaintext straight to the port, with no mesh: the connection is accepted, the call is not (STRICT).
    try (Response r = get(new OkHttpClient(), "http://127.0.0.1:" + port + "/reviews/1")) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).isEqualTo(MeshServletFilter.DENIED_BODY);
    }
    assertThat(reviews.explainInbound(new SecurityYamlRoundTripTest.Call(null, false, "127.0.0.1", port, "GET", "/reviews/1",
        java.util.Map.of())).decision().reason()).contains("mTLS STRICT").contains("plaintext");

    long version = cp.version();
    writeConfig(SecurityYaml.PRODUCTPAGE, SecurityYaml.RATINGS);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> code(ratings) == 200);
    assertThat(cp.version()).isGreaterThan(version);
    try (Response r = get(ratings, "http://reviews:9080/reviews/1")) {
      assertThat(r.body().string()).isEqualTo("peer=" + RATINGS.uri() + " secure=true");
    }
    try (Response r = get(productpage, "http://reviews:9080/admin/stats")) {
      assertThat(r.code()).as("DENY still wins").isEqualTo(403);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void writeConfig(String... viewers) throws IOException {
    Path tmp = dir.resolve("security.tmp");
    Files.writeString(tmp, SecurityYaml.yaml(port, 15090, 9443, viewers));
    Files.move(tmp, configDir.resolve("security.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A workload as istio-agent would set it up: certificate files, and a bootstrap naming them and the control plane. */
  private Mesh workload(SpiffeId id, boolean serves) throws IOException {
    String app = id.serviceAccount();
    Path certs = Files.createDirectories(dir.resolve(app));
    Pem.write(ca.issue(id), certs.resolve("cert-chain.pem"), certs.resolve("key.pem"), certs.resolve("root-cert.pem"));
    Path bootstrap = Files.writeString(certs.resolve("grpc-bootstrap.json"), """
        {
          "xds_servers": [{"server_uri": "127.0.0.1:%1$d", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
          "node": {"id": "sidecar~127.0.0.1~%2$s-v1-abc.default~default.svc.cluster.local",
                   "metadata": {"NAMESPACE": "default", "LABELS": {"app": "%2$s", "version": "v1"}}},
          "certificate_providers": {"default": {"plugin_name": "file_watcher", "config": {
            "certificate_file": "%3$s/cert-chain.pem", "private_key_file": "%3$s/key.pem",
            "ca_certificate_file": "%3$s/root-cert.pem", "refresh_interval": "900s"}}},
          "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%%s"
        }
        """.formatted(cp.port(), app, certs));
    Mesh.Builder b = Mesh.builder().workload(app).namespace("default").labels(java.util.Map.of("app", app, "version", "v1"))
        .xdsBootstrap(bootstrap).startupTimeout(Duration.ofSeconds(20));
    if (serves) {
      b.serverPort(port);
    }
    Mesh mesh = b.build();
    closing.add(mesh);
    return mesh;
  }

  private OkHttpClient client(SpiffeId id) throws IOException {
    return new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(workload(id, false))).build();
  }

  private static Response get(OkHttpClient client, String url) throws IOException {
    return client.newCall(new Request.Builder().url(url).build()).execute();
  }

  private static int code(OkHttpClient client) throws IOException {
    try (Response r = get(client, "http://reviews:9080/reviews/1")) {
      return r.code();
    }
  }

  /** Answers {@code peer=<the caller's SPIFFE id, or none> secure=<true|false>}, as the mesh told it. */
  private static final class Echo extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      SpiffeId peer = (SpiffeId) req.getAttribute(MeshServletFilter.PEER_ATTRIBUTE);
      resp.setContentType("text/plain");
      resp.getWriter().write("peer=" + (peer == null ? "none" : peer.uri()) + " secure=" + req.isSecure());
    }
  }
}
