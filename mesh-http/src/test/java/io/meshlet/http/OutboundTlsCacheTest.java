package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.Mesh;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.KeyMaterial;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security review: MeshInterceptor kept one OutboundTls per ClientTlsSettings forever, each
 * ISTIO_MUTUAL one with a listener on the mesh's certificate provider. Settings that left the route
 * table are now dropped, with their listener, when the table changes.
 */
class OutboundTlsCacheTest {
  @TempDir Path dir;

  /** A fixed provider that counts its listeners. */
  static final class CountingProvider implements CertificateProvider {
    final KeyMaterial material;
    final Set<Consumer<KeyMaterial>> listeners = ConcurrentHashMap.newKeySet();

    CountingProvider(KeyMaterial material) {
      this.material = material;
    }

    @Override
    public KeyMaterial current() {
      return material;
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

  private static String config(String san) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 127.0.0.1, ports: {http: 1}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            tls: {mode: ISTIO_MUTUAL, subjectAltNames: ["%s"]}
        """.formatted(san);
  }

  @Test
  void tlsSettingsThatLeftTheRouteTableAreDroppedWithTheirProviderListener() throws Exception {
    MeshCa ca = MeshCa.create("cluster.local");
    CountingProvider certs = new CountingProvider(ca.issue(new SpiffeId("cluster.local", "default", "productpage")));
    Path file = Files.writeString(dir.resolve("mesh.yaml"), config("spiffe://cluster.local/ns/default/sa/reviews"));
    try (Mesh mesh = Mesh.builder().workload("productpage").configFile(file).certificates(certs)
        .pollInterval(Duration.ofMillis(50)).build()) {
      OkHttpClient client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
      int before = certs.listeners.size();
      call(client);
      assertThat(certs.listeners).hasSize(before + 1);
      call(client);
      assertThat(certs.listeners).as("same settings, same OutboundTls").hasSize(before + 1);

      for (int i = 2; i <= 4; i++) {
        long version = mesh.snapshot().version();
        Files.writeString(file, config("spiffe://cluster.local/ns/default/sa/reviews-" + i));
        await().atMost(Duration.ofSeconds(5)).until(() -> mesh.snapshot().version() > version);
        call(client);
        assertThat(certs.listeners).as("after change %d", i).hasSize(before + 1);
      }
    }
  }

  /**
   * Second security review: pruning ran only on TLS calls, so after the last TLS DestinationRule went
   * the old OutboundTls and its provider listener stayed. A plaintext call after the change prunes.
   */
  @Test
  void theLastTlsSettingsAreDroppedWhenOnlyPlaintextCallsFollow() throws Exception {
    MeshCa ca = MeshCa.create("cluster.local");
    CountingProvider certs = new CountingProvider(ca.issue(new SpiffeId("cluster.local", "default", "productpage")));
    String tls = config("spiffe://cluster.local/ns/default/sa/reviews");
    Path file = Files.writeString(dir.resolve("mesh.yaml"), tls);
    try (Mesh mesh = Mesh.builder().workload("productpage").configFile(file).certificates(certs)
        .pollInterval(Duration.ofMillis(50)).build()) {
      OkHttpClient client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
      int before = certs.listeners.size();
      call(client);
      assertThat(certs.listeners).hasSize(before + 1);

      long version = mesh.snapshot().version();
      Files.writeString(file, tls.substring(0, tls.indexOf("---")));
      await().atMost(Duration.ofSeconds(5)).until(() -> mesh.snapshot().version() > version);
      call(client);
      assertThat(certs.listeners).as("no TLS DestinationRule left").hasSize(before);
    }
  }

  /** A call to reviews; nothing listens there, so it fails after the TLS settings were chosen. */
  private static void call(OkHttpClient client) {
    assertThatThrownBy(() -> client.newCall(new Request.Builder().url("http://reviews:9080/").build()).execute().close())
        .isInstanceOf(IOException.class);
  }
}
