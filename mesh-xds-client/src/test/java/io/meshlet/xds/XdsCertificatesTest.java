package io.meshlet.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.FileWatcherCertificateProvider;
import io.meshlet.core.identity.MeshCa;
import io.meshlet.core.identity.Pem;
import io.meshlet.core.identity.SpiffeId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workload certificates named by the bootstrap istio-agent writes ({@code certificate_providers.default}). */
class XdsCertificatesTest {
  static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "default", "productpage");

  @TempDir Path dir;
  final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
  final XdsConfigSourceProvider provider = new XdsConfigSourceProvider();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /** Istio's grpc-agent bootstrap with its {@code /var/lib/istio/data} files moved to {@code dir}. */
  private Path bootstrap() throws IOException {
    String json;
    try (InputStream in = XdsCertificatesTest.class.getResourceAsStream("bootstrap/istio-grpc-agent-bootstrap.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return Files.writeString(dir.resolve("grpc-bootstrap.json"), json.replace("/var/lib/istio/data", dir.toString()));
  }

  @Test
  void theDefaultFileWatcherProvidesTheWorkloadCertificate() throws IOException {
    MeshCa ca = MeshCa.create("cluster.local");
    Pem.write(ca.issue(PRODUCTPAGE), dir.resolve("cert-chain.pem"), dir.resolve("key.pem"), dir.resolve("root-cert.pem"));

    Optional<CertificateProvider> certs = provider.certificates(bootstrap(), executor);

    assertThat(certs).get().isInstanceOfSatisfying(FileWatcherCertificateProvider.class, files -> {
      assertThat(files.current().identity()).isEqualTo(PRODUCTPAGE);
      assertThat(files.current().roots()).containsExactly(ca.root());
      assertThat(files.refreshInterval()).isEqualTo(Duration.ofSeconds(900));
      assertThat(executor.getQueue()).as("refreshes scheduled on the mesh's executor").hasSize(1);
      files.close();
    });
  }

  @Test
  void missingFilesNameTheBootstrapAndTheFile() throws IOException {
    Path bootstrap = bootstrap();
    assertThatThrownBy(() -> provider.certificates(bootstrap, executor))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(bootstrap + ": certificate_providers.default: certificate files: " + dir.resolve("cert-chain.pem")
            + ": no such file");
  }

  @Test
  void noDefaultFileWatcherMeansNoCertificates() throws IOException {
    Path file = Files.writeString(dir.resolve("b.json"), """
        {"xds_servers": [{"server_uri": "localhost:15010", "channel_creds": [{"type": "insecure"}]}],
         "node": {"id": "sidecar~10.0.0.1~p.default~default.svc.cluster.local"},
         "certificate_providers": {"other": {"plugin_name": "file_watcher", "config": {"ca_certificate_file": "/ca.pem"}}}}
        """);
    assertThat(provider.certificates(file, executor)).isEmpty();
  }
}
