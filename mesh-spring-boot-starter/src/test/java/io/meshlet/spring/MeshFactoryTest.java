package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.Mesh;
import io.meshlet.core.OutboundTrafficPolicy;
import io.meshlet.core.snapshot.SourceStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.mock.env.MockEnvironment;

/** {@code mesh.*} to {@link Mesh.Builder}: each property reaches the mesh that is built. */
class MeshFactoryTest {
  @TempDir Path dir;

  final MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "productpage");
  final DefaultResourceLoader resources = new DefaultResourceLoader();

  @Test
  void theWorkloadDefaultsToTheApplicationNameAndEachPropertyReachesTheMesh() {
    MeshProperties p = new MeshProperties();
    p.setNamespace("shop");
    p.setLabels(Map.of("app", "productpage", "version", "v2"));
    p.setOutboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY);
    p.setNumTrustedProxies(1);
    p.setLocality("us-east1/us-east1-b");
    p.getConfig().setFiles(List.of("classpath:meshlet/one-service.yaml"));

    try (Mesh mesh = MeshFactory.builder(p, environment, resources, name -> null).build()) {
      assertThat(mesh.workload().name()).isEqualTo("productpage");
      assertThat(mesh.workload().namespace()).isEqualTo("shop");
      assertThat(mesh.workload().labels()).containsEntry("version", "v2");
      assertThat(mesh.workload().locality()).isEqualTo("us-east1/us-east1-b");
      assertThat(mesh.outboundTrafficPolicy()).isEqualTo(OutboundTrafficPolicy.REGISTRY_ONLY);
      assertThat(mesh.sources()).singleElement().satisfies(s -> assertThat(s.name()).endsWith("meshlet/one-service.yaml"));
      assertThat(mesh.routeTable().lookup("details.shop.svc.cluster.local")).isNotNull();
    }

    p.setWorkload("frontpage");
    try (Mesh mesh = MeshFactory.builder(p, environment, resources, name -> null).build()) {
      assertThat(mesh.workload().name()).isEqualTo("frontpage");
    }
  }

  @Test
  void aClasspathResourceInsideAJarIsCopiedUnderItsOwnName() throws IOException {
    Path jar = dir.resolve("config.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("mesh/details.yaml"));
      try (OutputStream w = out) {
        w.write(Files.readAllBytes(Path.of("src/test/resources/meshlet/one-service.yaml")));
      }
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      List<Path> files = MeshFactory.files(List.of("classpath:mesh/details.yaml", dir.toString()), new DefaultResourceLoader(loader));

      assertThat(files).hasSize(2);
      assertThat(files.get(0).getFileName()).hasToString("details.yaml");
      assertThat(files.get(0)).hasSameTextualContentAs(Path.of("src/test/resources/meshlet/one-service.yaml"));
      assertThat(files.get(1)).isEqualTo(dir);
    }
    assertThatThrownBy(() -> MeshFactory.files(List.of("classpath:nope.yaml"), resources))
        .hasMessage("mesh.config.files[0]: classpath:nope.yaml does not exist");
  }

  @Test
  void anXdsBootstrapWhoseControlPlaneIsNotServingYetLeavesTheMeshWithoutConfig() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path bootstrap = Files.writeString(dir.resolve("bootstrap.json"), """
        {"xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
         "node": {"id": "sidecar~10.0.0.9~productpage-v1-abc.default~default.svc.cluster.local",
                  "metadata": {"NAMESPACE": "default", "LABELS": {"app": "productpage"}}}}
        """.formatted(port));
    MeshProperties p = new MeshProperties();
    p.getXds().setBootstrap(bootstrap);
    p.getStartup().setAwaitFirstConfig(false);

    try (Mesh mesh = MeshFactory.builder(p, environment, resources, name -> null).build()) {
      assertThat(mesh.hasFirstConfig()).isFalse();
      assertThat(mesh.sources()).singleElement().satisfies(s -> assertThat(s.state()).isNotEqualTo(SourceStatus.State.ACTIVE));
      assertThat(new MeshHealthIndicator(mesh).health().getStatus().getCode()).isEqualTo("DOWN");
      assertThat(mesh.workload().labels()).as("labels from the bootstrap's node").containsEntry("app", "productpage");
    }
  }

  @Test
  void theBootstrapInTheEnvironmentIsUsedWhenNoneIsConfigured() {
    MeshProperties p = new MeshProperties();
    // This process has no GRPC_XDS_BOOTSTRAP; the xDS module's own reading of the environment says so.
    assertThatThrownBy(() -> MeshFactory.builder(p, environment, resources,
        name -> name.equals("GRPC_XDS_BOOTSTRAP") ? "/etc/istio/proxy/grpc-bootstrap.json" : null).build())
        .hasMessageContaining("GRPC_XDS_BOOTSTRAP");

    p.getXds().setFromEnvironment(false);
    try (Mesh mesh = MeshFactory.builder(p, environment, resources,
        name -> name.equals("GRPC_XDS_BOOTSTRAP") ? "/etc/istio/proxy/grpc-bootstrap.json" : null).build()) {
      assertThat(mesh.sources()).isEmpty();
    }
  }

  @Test
  void certificatesAreGivenAllThreeOrNot() {
    MeshProperties p = new MeshProperties();
    p.getCertificates().setCertificateChain(dir.resolve("cert-chain.pem"));

    assertThatThrownBy(() -> MeshFactory.builder(p, environment, resources, name -> null))
        .hasMessageStartingWith("mesh.certificates: certificate-chain, private-key and ca-certificates must be given together");
  }
}
