package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.KeyMaterial;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.MeshTls;
import io.meshlet.core.identity.SpiffeId;
import io.meshlet.spring.app.ProductPage;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * Tomcat serving the SSL bundle {@code mesh}: the mesh's certificate, the caller's identity from
 * its client certificate, and a rotation picked up by new connections without a restart.
 */
@SpringBootTest(classes = {ProductPage.class, MeshSslBundleTest.Certificates.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.application.name=productpage",
        "server.ssl.bundle=mesh",
        "server.ssl.client-auth=want"})
class MeshSslBundleTest {
  static final MeshCa CA = MeshCa.create("cluster.local");
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");
  static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "default", "reviews");
  static final Rotating SERVER = new Rotating(CA.issue(PRODUCTPAGE));

  @LocalServerPort int port;

  @TestConfiguration
  static class Certificates {
    @Bean(destroyMethod = "close")
    Mesh mesh() {
      return Mesh.builder().workload("productpage").certificates(SERVER).build();
    }
  }

  @Test
  void tomcatServesTheMeshCertificateKnowsTheCallerAndFollowsARotation() throws IOException {
    X509Certificate first = SERVER.current().leaf();
    assertThat(call("/whoami", CA.issue(REVIEWS))).isEqualTo(new Answer(REVIEWS.uri(), first));
    assertThat(call("/whoami", null)).as("client certificates are wanted, not needed").isEqualTo(new Answer("anonymous", first));

    KeyMaterial next = CA.issue(PRODUCTPAGE);
    SERVER.rotate(next);

    await().until(() -> call("/hello", null).served().equals(next.leaf()));
    assertThat(call("/whoami", CA.issue(REVIEWS)).body()).isEqualTo(REVIEWS.uri());
  }

  /** One call on a new connection, as {@code client} (null: without a client certificate). */
  private Answer call(String path, KeyMaterial client) throws IOException {
    X509TrustManager trust = MeshTls.trustManager(List.of(CA.root()));
    OkHttpClient http = new OkHttpClient.Builder()
        .sslSocketFactory(MeshTls.context(client == null ? null : MeshTls.keyManager(CertificateProvider.of(client)), trust)
            .getSocketFactory(), trust)
        .hostnameVerifier((host, session) -> true)
        .build();
    try (Response r = http.newCall(new Request.Builder().url("https://127.0.0.1:" + port + path).build()).execute()) {
      return new Answer(r.body().string(), (X509Certificate) r.handshake().peerCertificates().get(0));
    } finally {
      http.connectionPool().evictAll();
    }
  }

  record Answer(String body, X509Certificate served) {}

  /** A certificate provider the test rotates by hand. */
  static final class Rotating implements CertificateProvider {
    private final List<Consumer<KeyMaterial>> listeners = new CopyOnWriteArrayList<>();
    private volatile KeyMaterial current;

    Rotating(KeyMaterial first) {
      this.current = first;
    }

    void rotate(KeyMaterial next) {
      current = next;
      listeners.forEach(l -> l.accept(next));
    }

    @Override
    public KeyMaterial current() {
      return current;
    }

    @Override
    public void addListener(Consumer<KeyMaterial> listener) {
      listeners.add(listener);
    }

    @Override
    public void removeListener(Consumer<KeyMaterial> listener) {
      listeners.remove(listener);
    }
  }
}
