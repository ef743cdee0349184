package io.meshlet.it;

import io.meshlet.controlplane.MeshControlPlane;
import io.meshlet.core.Mesh;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.http.MeshInterceptor;
import io.meshlet.http.MeshServletFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

/**
 * A fleet for the console: a {@link MeshControlPlane} (admin server on a free port, scraping the
 * workloads itself every second) and three workloads, each with its own {@link Mesh} over xDS from
 * a bootstrap as istio-agent writes it (certificates MeshCa issued, WORKLOAD_NAME, and the
 * MESHLET_METRICS_URL of its Prometheus registry): {@code productpage-v1} (Jetty) calls {@code
 * reviews} over mutual TLS (ISTIO_MUTUAL, STRICT), {@code reviews-v1} (Jetty) calls {@code ratings}
 * in plaintext with a 25 % fault abort (503, {@code FI}), {@code ratings-v1} (Jetty) answers. A
 * caller outside the mesh calls productpage every {@link #PERIOD} once {@link #startTraffic()} runs.
 */
final class ConsoleFleet implements AutoCloseable {
  static final Duration PERIOD = Duration.ofMillis(100);
  static final String NS = "default";

  final MeshControlPlane cp;
  final Map<String, String> nodeIds = new ConcurrentHashMap<>();
  final AtomicLong calls = new AtomicLong();
  private final Path dir;
  private final MeshCa ca = MeshCa.create("cluster.local");
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final Map<String, PrometheusMeterRegistry> registries = new ConcurrentHashMap<>();
  private final int metricsPort;
  private final int productpagePort;
  private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "console-fleet-traffic");
    t.setDaemon(true);
    return t;
  });

  ConsoleFleet(Path dir) throws Exception {
    this.dir = dir;
    try {
      metricsPort = metricsServer();
      Server productpage = new Server();
      Server reviews = new Server();
      Server ratings = new Server();
      ServerConnector productpageConnector = plain(productpage);
      SslContextFactory.Server reviewsTls = new SslContextFactory.Server();
      ServerConnector reviewsConnector = tlsOrPlain(reviews, reviewsTls);
      ServerConnector ratingsConnector = plain(ratings);
      productpagePort = productpageConnector.getLocalPort();

      Path config = Files.createDirectories(dir.resolve("config"));
      Files.writeString(config.resolve("fleet.yaml"), yaml(reviewsConnector.getLocalPort(), ratingsConnector.getLocalPort()));
      cp = MeshControlPlane.builder().configDir(config).port(0).adminPort(0).scrapeInterval(Duration.ofSeconds(1))
          .pollInterval(Duration.ofMillis(100)).build().start();
      closing.add(cp);

      Mesh ratingsMesh = mesh("ratings", ratingsConnector.getLocalPort());
      serve(ratings, ratingsMesh, new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          write(resp, "5 stars");
        }
      });

      Mesh reviewsMesh = mesh("reviews", reviewsConnector.getLocalPort());
      reviewsTls.setSslContext(MeshTls.serverContext(reviewsMesh.certificates().orElseThrow()));
      OkHttpClient toRatings = client(reviewsMesh);
      serve(reviews, reviewsMesh, new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          try (Response r = toRatings.newCall(new Request.Builder().url("http://ratings:9080/ratings/1").build()).execute()) {
            write(resp, "reviews: " + (r.isSuccessful() ? r.body().string() : "ratings unavailable (" + r.code() + ")"));
          }
        }
      });

      Mesh productpageMesh = mesh("productpage", productpagePort);
      OkHttpClient toReviews = client(productpageMesh);
      serve(productpage, productpageMesh, new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          try (Response r = toReviews.newCall(new Request.Builder().url("http://reviews:9080/reviews/1").build()).execute()) {
            resp.setStatus(r.code());
            write(resp, "productpage: " + r.body().string());
          }
        }
      });
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** The console's address. */
  URI console() {
    return URI.create("http://127.0.0.1:" + cp.adminPort() + "/");
  }

  /** Calls productpage from outside the mesh every {@link #PERIOD}, until closed. */
  void startTraffic() {
    OkHttpClient outside = new OkHttpClient();
    closing.add(() -> outside.dispatcher().executorService().shutdownNow());
    traffic.scheduleWithFixedDelay(() -> {
      try (Response r = outside.newCall(new Request.Builder().url("http://127.0.0.1:" + productpagePort + "/").build()).execute()) {
        r.body().string();
        calls.incrementAndGet();
      } catch (IOException | RuntimeException e) {
        // the next call tries again; the test asserts on what the console shows
      }
    }, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String yaml(int reviewsPort, int ratingsPort) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - address: 127.0.0.1
            ports: {http: %1$d}
            labels: {app: reviews, version: v1, service.istio.io/workload-name: reviews-v1}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews.default.svc.cluster.local
          trafficPolicy:
            tls: {mode: ISTIO_MUTUAL, sni: reviews.default.svc.cluster.local}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: reviews, namespace: default}
        spec:
          selector: {matchLabels: {app: reviews}}
          mtls: {mode: STRICT}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings.default.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - address: 127.0.0.1
            ports: {http: %2$d}
            labels: {app: ratings, version: v1, service.istio.io/workload-name: ratings-v1}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings.default.svc.cluster.local]
          http:
          - name: flaky
            fault:
              abort: {percentage: {value: 25}, httpStatus: 503}
            route:
            - destination: {host: ratings.default.svc.cluster.local}
        """.formatted(reviewsPort, ratingsPort);
  }

  /** A workload's Mesh from its own bootstrap, with certificates, WORKLOAD_NAME and its metrics URL. */
  private Mesh mesh(String app, int serverPort) throws IOException {
    String workload = app + "-v1";
    String nodeId = "sidecar~127.0.0.1~" + workload + "-7d4f." + NS + "~" + NS + ".svc.cluster.local";
    nodeIds.put(app, nodeId);
    Path certs = Files.createDirectories(dir.resolve(app));
    Pem.write(ca.issue(new SpiffeId("cluster.local", NS, app)), certs.resolve("cert-chain.pem"), certs.resolve("key.pem"),
        certs.resolve("root-cert.pem"));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registries.put(app, registry);
    Path bootstrap = Files.writeString(certs.resolve("grpc-bootstrap.json"), """
        {
          "xds_servers": [{"server_uri": "127.0.0.1:%1$d", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
          "node": {"id": "%2$s",
                   "metadata": {"NAMESPACE": "%3$s", "LABELS": {"app": "%4$s", "version": "v1"}, "WORKLOAD_NAME": "%5$s",
                                "MESHLET_METRICS_URL": "http://127.0.0.1:%6$d/metrics/%4$s"}},
          "certificate_providers": {"default": {"plugin_name": "file_watcher", "config": {
            "certificate_file": "%7$s/cert-chain.pem", "private_key_file": "%7$s/key.pem",
            "ca_certificate_file": "%7$s/root-cert.pem", "refresh_interval": "900s"}}},
          "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%%s"
        }
        """.formatted(cp.port(), nodeId, NS, app, workload, metricsPort, certs));
    Mesh mesh = Mesh.builder().workload(workload).namespace(NS).labels(Map.of("app", app, "version", "v1"))
        .xdsBootstrap(bootstrap).serverPort(serverPort).meterRegistry(registry).startupTimeout(Duration.ofSeconds(30)).build();
    closing.add(mesh);
    return mesh;
  }

  private OkHttpClient client(Mesh mesh) {
    OkHttpClient c = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
    closing.add(() -> c.dispatcher().executorService().shutdownNow());
    return c;
  }

  private static ServerConnector plain(Server server) throws IOException {
    ServerConnector c = new ServerConnector(server);
    c.setHost("127.0.0.1");
    server.addConnector(c);
    c.open();
    return c;
  }

  /** TLS and plaintext on one port, as an Istio port takes both: STRICT is the mesh's to enforce. */
  private static ServerConnector tlsOrPlain(Server server, SslContextFactory.Server tls) throws IOException {
    tls.setWantClientAuth(true);
    HttpConfiguration https = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false); // mesh certificates name a SPIFFE id, not a host
    https.addCustomizer(secure);
    ServerConnector c = new ServerConnector(server,
        new DetectorConnectionFactory(new SslConnectionFactory(tls, "http/1.1")), new HttpConnectionFactory(https));
    c.setHost("127.0.0.1");
    server.addConnector(c);
    c.open();
    return c;
  }

  private void serve(Server server, Mesh mesh, HttpServlet servlet) throws Exception {
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(MeshServletFilter.of(mesh)), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(servlet), "/*");
    server.setHandler(context);
    server.start();
    closing.add(server::stop);
  }

  /** Every workload's Prometheus text at /metrics/{app}, outside the mesh's filters (as a pod's metrics port is). */
  private int metricsServer() throws Exception {
    Server server = new Server();
    ServerConnector c = plain(server);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        PrometheusMeterRegistry r = registries.get(req.getPathInfo().substring(1));
        if (r == null) {
          resp.sendError(404);
          return;
        }
        resp.setContentType("text/plain; version=0.0.4");
        write(resp, r.scrape());
      }
    }), "/metrics/*");
    server.setHandler(context);
    server.start();
    closing.add(server::stop);
    return c.getLocalPort();
  }

  private static void write(HttpServletResponse resp, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  @Override
  public void close() {
    traffic.shutdownNow();
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception e) {
        // keep closing the others
      }
    }
  }
}
