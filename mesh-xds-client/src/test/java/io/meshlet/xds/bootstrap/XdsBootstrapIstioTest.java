package io.meshlet.xds.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bootstrap as istio-agent writes it for proxyless gRPC (the grpc-agent injection template). */
class XdsBootstrapIstioTest {
  static String istioBootstrap() throws IOException {
    try (InputStream in = XdsBootstrapIstioTest.class.getResourceAsStream("istio-grpc-agent-bootstrap.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void serversNodeProvidersAndTemplate(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("grpc-bootstrap.json");
    Files.writeString(file, istioBootstrap());

    XdsBootstrap b = XdsBootstrap.fromPath(file);

    assertThat(b.source()).isEqualTo(file.toString());
    assertThat(b.servers()).hasSize(1);
    XdsServer server = b.primaryServer();
    assertThat(server.serverUri()).isEqualTo("unix:///etc/istio/proxy/XDS");
    assertThat(server.unixSocketPath()).isEqualTo(Path.of("/etc/istio/proxy/XDS"));
    assertThat(server.hostPort()).isNull();
    assertThat(server.channelCredentials()).containsExactly(ChannelCredentials.insecure());
    assertThat(server.selectedChannelCredentials()).isEqualTo(ChannelCredentials.insecure());
    assertThat(server.serverFeatures()).containsExactly("xds_v3");
    assertThat(server.xdsV3()).isTrue();
    assertThat(server.ignoreResourceDeletion()).isFalse();
    assertThat(b.ignoreResourceDeletion()).isFalse();

    Node node = b.node();
    assertThat(node.id()).isEqualTo("sidecar~10.0.0.1~productpage-v1-abc.default~default.svc.cluster.local");
    assertThat(node.cluster()).isEmpty();
    assertThat(node.locality()).isEqualTo(new Locality("us-central1", "us-central1-a", ""));
    assertThat(node.namespace()).isEqualTo("default");
    assertThat(node.labels()).containsExactly(
        Map.entry("app", "productpage"),
        Map.entry("security.istio.io/tlsMode", "istio"),
        Map.entry("service.istio.io/canonical-name", "productpage"),
        Map.entry("service.istio.io/canonical-revision", "v1"),
        Map.entry("version", "v1"));
    assertThat(node.instanceIps()).containsExactly("10.0.0.1", "fd00:10:244::5");
    assertThat(node.istioVersion()).isEqualTo("1.24.2");
    assertThat(node.generator()).isEqualTo("grpc");
    assertThat(node.metadata()).containsEntry("ENVOY_PROMETHEUS_PORT", 15090L)
        .containsEntry("PILOT_SAN", List.of("istiod.istio-system.svc"));
    assertThat(node.metadata().get("PROXY_CONFIG")).isInstanceOfSatisfying(Map.class, pc -> assertThat(pc)
        .containsEntry("concurrency", 2L)
        .containsEntry("holdApplicationUntilProxyStarts", true)
        .containsEntry("discoveryAddress", "istiod.istio-system.svc:15012"));

    assertThat(b.certificateProviders()).containsOnlyKeys("default");
    CertificateProvider provider = b.certificateProviders().get("default");
    assertThat(provider.pluginName()).isEqualTo("file_watcher");
    assertThat(provider.config()).containsEntry("refresh_interval", "900s");
    assertThat(provider.fileWatcher()).isEqualTo(new CertificateFiles(
        "/var/lib/istio/data/cert-chain.pem", "/var/lib/istio/data/key.pem", "/var/lib/istio/data/root-cert.pem",
        Duration.ofMinutes(15)));

    assertThat(b.serverListenerResourceNameTemplate()).isEqualTo("xds.istio.io/grpc/lds/inbound/%s");
    assertThat(b.serverListenerResourceName("0.0.0.0:9080")).isEqualTo("xds.istio.io/grpc/lds/inbound/0.0.0.0:9080");
    assertThat(b.clientDefaultListenerResourceNameTemplate()).isNull();
    assertThat(b.effectiveClientDefaultListenerResourceNameTemplate()).isEqualTo("%s");
    assertThat(b.authorities()).isEmpty();
    // Go's encoding/json writes the Node's oneof field; gRPC ignores it.
    assertThat(b.ignoredFields()).containsExactly("node.UserAgentVersionType");
  }

  @Test
  void metadataIsImmutable() throws IOException {
    XdsBootstrap b = XdsBootstrap.fromJson(istioBootstrap(), "test");
    assertThat(b.node().metadata()).isUnmodifiable();
    assertThat((Map<?, ?>) b.node().metadata().get("LABELS")).isUnmodifiable();
    assertThat((List<?>) b.node().metadata().get("PILOT_SAN")).isUnmodifiable();
  }

  @Test
  void relativeLookingUnixPathIsAbsolute() {
    // istio-agent joins "unix:///" with its socket path; "./etc/istio/proxy/XDS" gives this form.
    XdsServer server = new XdsServer("unix:///./etc/istio/proxy/XDS", List.of(ChannelCredentials.insecure()), List.of());
    assertThat(server.unixSocketPath()).isEqualTo(Path.of("/etc/istio/proxy/XDS"));
  }
}
