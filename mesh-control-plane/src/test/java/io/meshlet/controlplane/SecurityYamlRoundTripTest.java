package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.security.InboundDecision;
import io.meshlet.core.security.InboundRequest;
import io.meshlet.xds.XdsConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security kinds from YAML both ways: a Mesh reading {@link SecurityYaml} as a file against a
 * Mesh fed by a real {@link MeshControlPlane} watching a directory with the same file, over state of
 * the world and delta. For the reviews workload (serving on three ports) both must decide a fixed
 * table of inbound calls alike (allowed and mTLS mode), and for productpage the reviews clusters
 * must carry the same client TLS settings.
 */
class SecurityYamlRoundTripTest {
  static final int STRICT_PORT = 9080;
  static final int PERMISSIVE_PORT = 15090;
  static final int PLAIN_PORT = 9443;
  static final Map<String, String> REVIEWS_LABELS = Map.of("app", "reviews", "version", "v1");
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");
  static final SpiffeId RATINGS = new SpiffeId("cluster.local", "default", "ratings");
  static final SpiffeId PROMETHEUS = new SpiffeId("cluster.local", "monitoring", "prometheus");

  /** One inbound call as a servlet filter would describe it. */
  record Call(@Nullable SpiffeId peer, boolean secure, String sourceAddress, int destinationPort, String method, String path,
      Map<String, String> headers) implements InboundRequest {
    @Override
    public String host() {
      String host = headers.get("host");
      return host != null ? host : "reviews.default.svc.cluster.local";
    }

    @Override
    public @Nullable String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
      return method + " :" + destinationPort + path + " " + headers + " from " + (peer != null ? peer.principal()
          : secure ? "TLS without certificate" : "plaintext") + " at " + sourceAddress;
    }
  }

  static Call mtls(SpiffeId peer, String method, String path) {
    return new Call(peer, true, "10.0.0.5", STRICT_PORT, method, path, Map.of());
  }

  static Call plaintext(int port, String path) {
    return new Call(null, false, "10.0.0.5", port, "GET", path, Map.of());
  }

  /**
   * Each call with the decision both meshes must reach. Calls on a port the workload does not serve
   * are not in the table: over xDS the workload has no inbound listener, so no policy, for such a
   * port (Envoy would not accept the connection at all), while the YAML applies the mesh-wide mode
   * there. docs/xds.md, "Security: inbound listener, RBAC, TLS", says so.
   */
  static final Map<Call, Boolean> CALLS = calls();

  private static Map<Call, Boolean> calls() {
    Map<Call, Boolean> c = new java.util.LinkedHashMap<>();
    c.put(mtls(PRODUCTPAGE, "GET", "/reviews/1"), true);
    c.put(mtls(PRODUCTPAGE, "HEAD", "/reviews/1"), true);
    c.put(mtls(PRODUCTPAGE, "POST", "/reviews/1"), false);                 // methods
    c.put(mtls(PRODUCTPAGE, "GET", "/reviews/internal/x"), false);         // notPaths
    c.put(mtls(PRODUCTPAGE, "GET", "/img/logo.png"), true);                // suffix path
    c.put(mtls(PRODUCTPAGE, "GET", "/admin/stats"), false);                // DENY prefix path
    c.put(mtls(PRODUCTPAGE, "GET", "/keys.secret"), false);                // DENY suffix path
    c.put(mtls(PRODUCTPAGE, "DELETE", "/reviews/1"), false);               // DENY method
    c.put(new Call(PRODUCTPAGE, true, "10.9.3.4", STRICT_PORT, "GET", "/reviews/1", Map.of()), false);   // DENY ipBlocks
    c.put(new Call(PRODUCTPAGE, true, "10.0.0.5", STRICT_PORT, "GET", "/reviews/1", Map.of("x-debug", "on")), false);
    c.put(new Call(PRODUCTPAGE, true, "10.0.0.5", STRICT_PORT, "GET", "/reviews/1", Map.of("x-debug", "off")), true);
    c.put(new Call(PRODUCTPAGE, true, "10.0.0.5", PERMISSIVE_PORT, "GET", "/reviews/1", Map.of()), false); // ports
    c.put(mtls(RATINGS, "GET", "/reviews/1"), false);                      // not a viewer
    c.put(mtls(RATINGS, "POST", "/reviews/1"), false);                     // when: header missing
    c.put(new Call(RATINGS, true, "10.0.0.5", STRICT_PORT, "POST", "/reviews/1", Map.of("x-canary", "yes")), true);
    c.put(new Call(RATINGS, true, "10.0.0.5", STRICT_PORT, "POST", "/reviews/1", Map.of("x-canary", "no")), false);
    c.put(mtls(PROMETHEUS, "GET", "/metrics"), true);                       // namespaces
    c.put(mtls(new SpiffeId("partner.example", "monitoring", "prometheus"), "GET", "/metrics"), true); // any trust domain
    c.put(mtls(new SpiffeId("partner-eu", "monitoring", "prometheus"), "GET", "/metrics"), false);  // DENY trustDomains prefix*
    c.put(mtls(new SpiffeId("eu.blocked", "monitoring", "prometheus"), "GET", "/metrics"), false);  // DENY trustDomains *suffix
    c.put(mtls(new SpiffeId("old.example", "monitoring", "prometheus"), "GET", "/metrics"), false); // DENY source.trustDomain
    c.put(mtls(new SpiffeId("cluster.local", "other", "productpage"), "GET", "/reviews/1"), false);  // DENY notNamespaces
    c.put(mtls(new SpiffeId("cluster.local", "monitoring", "intruder"), "GET", "/metrics"), false);  // DENY serviceAccounts
    c.put(mtls(new SpiffeId("td.example", "default", "bookinfo.ratings"), "GET", "/healthz"), false); // DENY bare name
    c.put(mtls(new SpiffeId("cluster.local", "default", "bookinfoXratings"), "GET", "/healthz"), true); // '.' is no wildcard
    c.put(mtls(new SpiffeId("cluster.local", "monitoring", "scraper"), "GET", "/metrics"), false);  // DENY source.serviceAccount
    c.put(mtls(RATINGS, "GET", "/sa-check"), true);                         // ALLOW notServiceAccounts
    c.put(mtls(PRODUCTPAGE, "GET", "/sa-check"), false);
    c.put(new Call(PRODUCTPAGE, true, "10.0.0.5", STRICT_PORT, "GET", "/reviews/1", Map.of("host", "reviews.example.com")),
        false);                                                              // DENY hosts
    c.put(mtls(PROMETHEUS, "GET", "/reviews/1"), false);
    c.put(plaintext(STRICT_PORT, "/healthz"), false);                       // mesh-wide STRICT
    c.put(new Call(null, true, "10.0.0.5", STRICT_PORT, "GET", "/healthz", Map.of()), false);    // TLS, no certificate
    c.put(plaintext(PERMISSIVE_PORT, "/healthz"), true);                    // portLevelMtls PERMISSIVE, root ALLOW
    c.put(plaintext(PERMISSIVE_PORT, "/reviews/1"), false);                 // no ALLOW matches
    c.put(new Call(PROMETHEUS, true, "10.0.0.5", PERMISSIVE_PORT, "GET", "/metrics", Map.of()), true);
    c.put(plaintext(PLAIN_PORT, "/healthz"), true);                         // portLevelMtls DISABLE
    c.put(plaintext(PLAIN_PORT, "/admin"), false);
    // Attributes absent on this side (request principals, request.auth.*, connection.sni, destination.ip):
    // values never match, not-values always hold, in the engine and in what the control plane serves.
    c.put(mtls(PRODUCTPAGE, "GET", "/reviews/jwt/1"), false);              // DENY notRequestPrincipals
    c.put(mtls(PRODUCTPAGE, "GET", "/reviews/sni/1"), false);              // DENY when connection.sni notValues
    c.put(mtls(PRODUCTPAGE, "GET", "/reviews/claims/1"), true);            // DENY needs request.auth.principal
    c.put(mtls(RATINGS, "PUT", "/reviews/1"), true);                       // ALLOW: second source, notRequestPrincipals
    c.put(mtls(PRODUCTPAGE, "PUT", "/reviews/1"), false);                  // ALLOW: requestPrincipals never match
    // CUSTOM fails closed (no external authorizer): its rules deny, in the engine and as served DENY policies.
    c.put(mtls(PRODUCTPAGE, "GET", "/reviews/ext/1"), false);              // CUSTOM path, else allowed by the viewer rule
    c.put(new Call(RATINGS, true, "10.0.0.5", STRICT_PORT, "POST", "/reviews/1", Map.of("x-canary", "yes", "x-ext", "1")),
        false);                                                              // CUSTOM method + when, else allowed
    c.put(new Call(PRODUCTPAGE, true, "10.0.0.5", STRICT_PORT, "GET", "/reviews/1", Map.of("x-ext", "1")),
        true);                                                               // not CUSTOM's method
    c.put(mtls(PRODUCTPAGE, "GET", "/img/ext.png"), false);                // root-namespace CUSTOM, else allowed
    // targetRef(s): applies to no workload (the DENY-all for a Gateway, the ALLOW for a Service), as served.
    c.put(mtls(PRODUCTPAGE, "GET", "/reviews/2"), true);
    return c;
  }

  @TempDir Path dir;
  Path configDir;
  MeshControlPlane cp;
  final List<Mesh> meshes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    configDir = Files.createDirectory(dir.resolve("config"));
    write(SecurityYaml.yaml(STRICT_PORT, PERMISSIVE_PORT, PLAIN_PORT, SecurityYaml.PRODUCTPAGE));
    cp = MeshControlPlane.builder().configDir(configDir).port(0).pollInterval(Duration.ofMillis(50)).build().start();
  }

  @AfterEach
  void stop() {
    meshes.forEach(Mesh::close);
    cp.close();
  }

  @Test
  void stateOfTheWorldDecidesAsTheYamlDoes() {
    sameDecisionsAndTls(false);
  }

  @Test
  void deltaDecidesAsTheYamlDoes() {
    sameDecisionsAndTls(true);
  }

  private void sameDecisionsAndTls(boolean delta) {
    Mesh fromYaml = yamlMesh("reviews", REVIEWS_LABELS);
    Mesh fromXds = xdsMesh("reviews", REVIEWS_LABELS, delta);
    for (Map.Entry<Call, Boolean> c : CALLS.entrySet()) {
      InboundDecision yaml = fromYaml.inbound().check(c.getKey());
      assertThat(yaml.allowed()).as("YAML: %s (%s)", c.getKey(), yaml.reason()).isEqualTo(c.getValue());
      InboundDecision xds = fromXds.inbound().check(c.getKey());
      assertThat(decision(xds)).as("xDS: %s (%s)\n%s", c.getKey(), xds.reason(), fromXds.explainInbound(c.getKey()))
          .isEqualTo(decision(yaml));
    }

    Map<String, ClientTlsSettings> yamlTls = reviewsTls(yamlMesh("productpage", Map.of("app", "productpage")));
    Map<String, ClientTlsSettings> xdsTls = reviewsTls(xdsMesh("productpage", Map.of("app", "productpage"), delta));
    assertThat(yamlTls).containsOnlyKeys("outbound|9080||reviews.default.svc.cluster.local",
        "outbound|9080|v1|reviews.default.svc.cluster.local");
    assertThat(yamlTls.values()).containsOnly(ClientTlsSettings.istioMutual(List.of(SecurityYaml.REVIEWS_SAN),
        "reviews.default.svc.cluster.local"));
    assertThat(xdsTls).isEqualTo(yamlTls);
  }

  @Test
  void aBadSecurityEditIsRejectedWithItsPathAndTheOldPoliciesStay() throws Exception {
    Mesh fromXds = xdsMesh("reviews", REVIEWS_LABELS, false);
    Call ratings = mtls(RATINGS, "GET", "/reviews/1");
    long version = cp.version();
    assertThat(fromXds.inbound().check(ratings).allowed()).isFalse();

    // A good principal, next to an ipBlocks entry Istio refuses: the whole update must go.
    write(SecurityYaml.yaml(STRICT_PORT, PERMISSIVE_PORT, PLAIN_PORT, SecurityYaml.PRODUCTPAGE, SecurityYaml.RATINGS)
        .replace("10.9.0.0/16", "10.9.0/16"));
    await().atMost(Duration.ofSeconds(5)).until(() -> cp.lastRejection().isPresent());
    assertThat(cp.lastRejection().orElseThrow()).contains("AuthorizationPolicy").contains("deny-admin")
        .contains("rules[2].from[0].source.ipBlocks[0]");
    assertThat(cp.version()).isEqualTo(version);
    assertThat(fromXds.inbound().check(ratings).allowed()).isFalse();
    assertThat(fromXds.inbound().check(plaintext(STRICT_PORT, "/healthz")).allowed()).isFalse();

    write(SecurityYaml.yaml(STRICT_PORT, PERMISSIVE_PORT, PLAIN_PORT, SecurityYaml.PRODUCTPAGE, SecurityYaml.RATINGS));
    await().atMost(Duration.ofSeconds(10)).until(() -> fromXds.inbound().check(ratings).allowed());
    assertThat(cp.version()).isGreaterThan(version);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** What must be equal: the outcome and the mTLS mode in force (the deciding policy's name differs: xDS splits rules). */
  private static String decision(InboundDecision d) {
    return (d.allowed() ? "ALLOW" : "DENY") + " mtls=" + d.mtls();
  }

  private static Map<String, ClientTlsSettings> reviewsTls(Mesh mesh) {
    Map<String, ClientTlsSettings> out = new TreeMap<>();
    for (Cluster c : mesh.routeTable().clusters()) {
      if (c.host().startsWith("reviews") && c.tls() != null) {
        out.put(c.name(), c.tls());
      }
    }
    return out;
  }

  private void write(String yaml) throws Exception {
    Path tmp = dir.resolve("security.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, configDir.resolve("security.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Mesh yamlMesh(String workload, Map<String, String> labels) {
    Mesh m = Mesh.builder().workload(workload).namespace("default").labels(labels)
        .configFile(configDir.resolve("security.yaml")).build();
    meshes.add(m);
    return m;
  }

  private Mesh xdsMesh(String workload, Map<String, String> labels, boolean delta) {
    XdsConfigSource.Builder source = XdsConfigSource.builder().target("127.0.0.1:" + cp.port())
        .nodeId("sidecar~10.0.0.9~" + workload + "-v1.default~default.svc.cluster.local")
        // Every resource is served: a short does-not-exist timer would only race the real stream.
        .namespace("default").labels(labels).delta(delta).doesNotExistTimeout(Duration.ofSeconds(15));
    if (workload.equals("reviews")) {
      source.serverPort(STRICT_PORT).serverPort(PERMISSIVE_PORT).serverPort(PLAIN_PORT);
    }
    Mesh m = Mesh.builder().workload(workload).namespace("default").labels(labels).configSource(source.build())
        .startupTimeout(Duration.ofSeconds(20)).build();
    meshes.add(m);
    return m;
  }
}
