package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.identity.KeyMaterial;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.spring.app.ProductPage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Boot applications meshed by the starter alone, over mutual TLS with the mesh's certificates: a
 * {@code reviews} application serving the SSL bundle {@code mesh} under an AuthorizationPolicy that
 * allows {@code productpage} and nobody else, and two client applications ({@code productpage},
 * {@code ratings}) whose Boot {@code RestClient.Builder} reaches it through the mesh with
 * {@code ISTIO_MUTUAL}. Each application is configured by {@code mesh.*} properties only.
 */
class MutualTlsAppsTest {
  static final MeshCa CA = MeshCa.create("cluster.local");
  static ConfigurableApplicationContext reviews;
  static ConfigurableApplicationContext productpage;
  static ConfigurableApplicationContext ratings;

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    Path serverConfig = write("reviews.yaml", """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: reviews, namespace: default}
        spec:
          selector: {matchLabels: {app: reviews}}
          action: ALLOW
          rules:
          - from: [{source: {principals: [cluster.local/ns/default/sa/productpage]}}]
        """);
    reviews = app("reviews", serverConfig, true);
    int port = ((WebServerApplicationContext) reviews).getWebServer().getPort();
    Path clientConfig = write("clients.yaml", """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            tls: {mode: ISTIO_MUTUAL, subjectAltNames: [spiffe://cluster.local/ns/default/sa/reviews]}
        """.formatted(port));
    productpage = app("productpage", clientConfig, false);
    ratings = app("ratings", clientConfig, false);
  }

  @AfterAll
  static void stop() {
    for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {ratings, productpage, reviews}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void theAllowedIdentityIsServedAndAnotherIsDeniedByTheServersAuthorizationPolicy() {
    assertThat(get(productpage, "/whoami")).isEqualTo("200 spiffe://cluster.local/ns/default/sa/productpage");
    assertThat(get(ratings, "/whoami")).isEqualTo("403 RBAC: access denied");
  }

  /** GET on reviews through the client application's own (meshed) RestClient.Builder: status and body. */
  private static String get(ConfigurableApplicationContext client, String path) {
    return client.getBean(RestClient.Builder.class).build().get().uri("http://reviews:9080" + path)
        .exchange((request, response) -> response.getStatusCode().value() + " "
            + new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** A Boot application named {@code name} with its own mesh identity; {@code serves}: on a random port over the SSL bundle mesh. */
  private static ConfigurableApplicationContext app(String name, Path config, boolean serves) throws Exception {
    Path pem = certificates(name);
    SpringApplicationBuilder b = new SpringApplicationBuilder(ProductPage.class).properties(
        "spring.application.name=" + name,
        "mesh.labels.app=" + name,
        "mesh.config.files=" + config,
        "mesh.certificates.certificate-chain=" + pem.resolve("cert-chain.pem"),
        "mesh.certificates.private-key=" + pem.resolve("key.pem"),
        "mesh.certificates.ca-certificates=" + pem.resolve("root-cert.pem"),
        "spring.jmx.enabled=false");
    if (serves) {
      b.properties("server.port=0", "server.ssl.bundle=mesh", "server.ssl.client-auth=want");
    } else {
      b.properties("spring.main.web-application-type=none");
    }
    return b.run();
  }

  /** The workload's certificate, key and the mesh root as PEM files, as istio-agent writes them. */
  private static Path certificates(String name) throws IOException, GeneralSecurityException {
    KeyMaterial km = CA.issue(new SpiffeId("cluster.local", "default", name));
    Path d = Files.createDirectories(dir.resolve(name));
    StringBuilder chain = new StringBuilder();
    for (X509Certificate c : km.chain()) {
      chain.append(pem("CERTIFICATE", c.getEncoded()));
    }
    Files.writeString(d.resolve("cert-chain.pem"), chain);
    Files.writeString(d.resolve("key.pem"), pem("PRIVATE KEY", km.privateKey().getEncoded()));
    Files.writeString(d.resolve("root-cert.pem"), pem("CERTIFICATE", CA.root().getEncoded()));
    return d;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static Path write(String file, String yaml) throws IOException {
    return Files.writeString(dir.resolve(file), yaml);
  }
}
