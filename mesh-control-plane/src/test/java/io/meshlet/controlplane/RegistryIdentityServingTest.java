package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.meshlet.core.Mesh;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.http.MeshInterceptor;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane serves, as istiod does, an {@code ISTIO_MUTUAL} cluster without DestinationRule
 * {@code subjectAltNames} with the service's identities as {@code match_subject_alt_names}: the
 * ServiceEntry's {@code subjectAltNames} and its endpoints' service accounts as SPIFFE ids in the
 * control plane's trust domain. A Mesh reading it over xDS then expects them in real handshakes.
 */
class RegistryIdentityServingTest {
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");
  static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "default", "reviews");
  static final String CLUSTER = "outbound|9080||reviews.default.svc.cluster.local";

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("cluster.local");
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  static String yaml(int port, String endpointFields, String seFields, String drTls) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 127.0.0.1, ports: {http: %d}%s}]
          %s
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews.default.svc.cluster.local
          trafficPolicy: {tls: {mode: ISTIO_MUTUAL%s}}
        """.formatted(port, endpointFields, seFields, drTls);
  }

  private static List<String> servedSans(String yaml, String trustDomain) throws Exception {
    SnapshotBuilder.Resources r = SnapshotBuilder.build(SnapshotBuilderTest.parse(yaml), new NodeKey("default", Map.of()),
        "istio-system", trustDomain);
    Cluster c = r.clusters().stream().filter(x -> x.getName().equals(CLUSTER)).findFirst().orElseThrow();
    UpstreamTlsContext u = c.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    return u.getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext()
        .getMatchSubjectAltNamesList().stream().map(StringMatcher::getExact).toList();
  }

  @Test
  void theServicesIdentitiesAreServedAsExactSanMatchersInTheTrustDomain() throws Exception {
    assertThat(servedSans(yaml(9080, ", serviceAccount: reviews", "subjectAltNames: [\"spiffe://other/ns/x/sa/y\"]", ""),
        "example.org")).as("sorted, as istiod serves them")
        .containsExactly("spiffe://example.org/ns/default/sa/reviews", "spiffe://other/ns/x/sa/y");
    assertThat(servedSans(yaml(9080, ", serviceAccount: reviews", "", ", subjectAltNames: [\"spiffe://a/ns/b/sa/c\"]"),
        "cluster.local")).as("DestinationRule subjectAltNames win").containsExactly("spiffe://a/ns/b/sa/c");
    assertThat(servedSans(yaml(9080, "", "", ""), "cluster.local")).as("none known").isEmpty();
  }

  @Test
  void aMeshOnXdsExpectsTheServedIdentityInRealHandshakes() throws Exception {
    int port = reviewsServer();
    Path configDir = Files.createDirectory(dir.resolve("config"));
    write(configDir, yaml(port, ", serviceAccount: reviews", "", ""));
    MeshControlPlane cp = MeshControlPlane.builder().configDir(configDir).port(0).pollInterval(Duration.ofMillis(50))
        .build().start();
    closing.add(cp);
    Mesh productpage = xdsMesh(cp, PRODUCTPAGE);
    OkHttpClient client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(productpage)).build();

    assertThat(sans(productpage.routeTable())).containsExactly(REVIEWS.uri());
    try (Response r = get(client)) {
      assertThat(r.code()).isEqualTo(200);
    }

    write(configDir, yaml(port, ", serviceAccount: ratings", "", ""));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> sans(productpage.routeTable()).equals(List.of("spiffe://cluster.local/ns/default/sa/ratings")));
    assertThatThrownBy(() -> get(client).close())
        .hasMessageContaining("server identity [" + REVIEWS.uri() + "] is not one of the expected subjectAltNames "
            + "[spiffe://cluster.local/ns/default/sa/ratings]")
        .hasMessageEndingWith("(UF)");

    write(configDir, yaml(port, "", "", ""));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> sans(productpage.routeTable()).isEmpty());
    try (Response r = get(client)) {
      assertThat(r.code()).as("no identity known: any the mesh roots trust").isEqualTo(200);
    }
  }

  private static List<String> sans(RouteTable table) {
    io.meshlet.core.routing.Cluster c = table.cluster(CLUSTER);
    ClientTlsSettings tls = c == null ? null : c.tls();
    return tls == null ? List.of("<no tls>") : tls.subjectAltNames();
  }

  private static Response get(OkHttpClient client) throws IOException {
    return client.newCall(new Request.Builder().url("http://reviews.default.svc.cluster.local:9080/r").build()).execute();
  }

  private void write(Path configDir, String yaml) throws IOException {
    Path tmp = dir.resolve("reviews.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, configDir.resolve("reviews.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Path[] certificates(SpiffeId id) throws IOException {
    Path d = Files.createDirectories(dir.resolve(id.serviceAccount()));
    Path[] files = {d.resolve("cert-chain.pem"), d.resolve("key.pem"), d.resolve("root-cert.pem")};
    Pem.write(ca.issue(id), files[0], files[1], files[2]);
    return files;
  }

  /** Jetty over the mesh TLS of {@code sa/reviews}, answering 200 to anything; its port. */
  private int reviewsServer() throws Exception {
    Path[] certs = certificates(REVIEWS);
    Mesh reviews = Mesh.builder().workload("reviews").certificateFiles(certs[0], certs[1], certs[2]).build();
    closing.add(reviews);
    Server jetty = new Server();
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(MeshTls.serverContext(reviews.certificates().orElseThrow()));
    ssl.setWantClientAuth(true);
    HttpConfiguration https = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(jetty, new SslConnectionFactory(ssl, "http/1.1"),
        new HttpConnectionFactory(https));
    connector.setHost("127.0.0.1");
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getWriter().write("ok");
      }
    }), "/*");
    jetty.setHandler(context);
    jetty.start();
    closing.add(jetty::stop);
    return connector.getLocalPort();
  }

  /** A workload on xDS as istio-agent sets it up: certificate files, a bootstrap naming them and the control plane. */
  private Mesh xdsMesh(MeshControlPlane cp, SpiffeId id) throws IOException {
    String app = id.serviceAccount();
    Path certs = certificates(id)[0].getParent();
    Path bootstrap = Files.writeString(certs.resolve("grpc-bootstrap.json"), """
        {
          "xds_servers": [{"server_uri": "127.0.0.1:%1$d", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
          "node": {"id": "sidecar~127.0.0.1~%2$s-v1-abc.default~default.svc.cluster.local",
                   "metadata": {"NAMESPACE": "default", "LABELS": {"app": "%2$s"}}},
          "certificate_providers": {"default": {"plugin_name": "file_watcher", "config": {
            "certificate_file": "%3$s/cert-chain.pem", "private_key_file": "%3$s/key.pem",
            "ca_certificate_file": "%3$s/root-cert.pem", "refresh_interval": "900s"}}}
        }
        """.formatted(cp.port(), app, certs));
    Mesh mesh = Mesh.builder().workload(app).namespace("default").labels(Map.of("app", app))
        .xdsBootstrap(bootstrap).startupTimeout(Duration.ofSeconds(20)).build();
    closing.add(mesh);
    return mesh;
  }
}
