package io.meshlet.xds.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XdsBootstrapEnvironmentTest {
  private static final String FROM_FILE = """
      {"xds_servers": [{"server_uri": "unix:///etc/istio/proxy/XDS", "channel_creds": [{"type": "insecure"}]}],
       "node": {"id": "from-file"}}""";
  private static final String FROM_CONFIG = """
      {"xds_servers": [{"server_uri": "istiod.istio-system.svc:15010", "channel_creds": [{"type": "insecure"}]}],
       "node": {"id": "from-config"}}""";

  @TempDir
  Path dir;

  @Test
  void pathBeatsConfig() throws IOException {
    Path file = Files.writeString(dir.resolve("grpc-bootstrap.json"), FROM_FILE);
    XdsBootstrap b = XdsBootstrap.fromEnvironment(
        Map.of("GRPC_XDS_BOOTSTRAP", file.toString(), "GRPC_XDS_BOOTSTRAP_CONFIG", FROM_CONFIG)::get);
    assertThat(b.node().id()).isEqualTo("from-file");
    assertThat(b.source()).isEqualTo(file.toString());
  }

  @Test
  void configWhenNoPath() {
    XdsBootstrap b = XdsBootstrap.fromEnvironment(Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", FROM_CONFIG)::get);
    assertThat(b.node().id()).isEqualTo("from-config");
    assertThat(b.source()).isEqualTo("GRPC_XDS_BOOTSTRAP_CONFIG");
    assertThat(b.primaryServer().hostPort()).isEqualTo("istiod.istio-system.svc:15010");
  }

  @Test
  void emptyPathCountsAsUnset() {
    XdsBootstrap b = XdsBootstrap.fromEnvironment(
        Map.of("GRPC_XDS_BOOTSTRAP", "", "GRPC_XDS_BOOTSTRAP_CONFIG", FROM_CONFIG)::get);
    assertThat(b.node().id()).isEqualTo("from-config");
  }

  @Test
  void neitherSet() {
    XdsBootstrapException e = catchThrowableOfType(XdsBootstrapException.class,
        () -> XdsBootstrap.fromEnvironment(Map.<String, String>of()::get));
    assertThat(e).hasMessage("bootstrap: neither GRPC_XDS_BOOTSTRAP nor GRPC_XDS_BOOTSTRAP_CONFIG is set "
        + "(expected: GRPC_XDS_BOOTSTRAP, the path of the bootstrap file, or GRPC_XDS_BOOTSTRAP_CONFIG, its JSON)");
  }

  @Test
  void missingFileNamedByTheEnvironment() {
    Path missing = dir.resolve("nope/grpc-bootstrap.json");
    XdsBootstrapException e = catchThrowableOfType(XdsBootstrapException.class, () -> XdsBootstrap.fromEnvironment(
        Map.of("GRPC_XDS_BOOTSTRAP", missing.toString(), "GRPC_XDS_BOOTSTRAP_CONFIG", FROM_CONFIG)::get));
    assertThat(e).hasMessage("bootstrap (" + missing + "): no such file (named by GRPC_XDS_BOOTSTRAP)")
        .hasCauseInstanceOf(NoSuchFileException.class);
    assertThat(e.errors()).containsExactly(e.getMessage());
  }

  @Test
  void missingFile() {
    Path missing = dir.resolve("grpc-bootstrap.json");
    assertThat(catchThrowableOfType(XdsBootstrapException.class, () -> XdsBootstrap.fromPath(missing)))
        .hasMessage("bootstrap (" + missing + "): no such file");
  }

  @Test
  void errorsInAFileNameTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("grpc-bootstrap.json"), "{\"xds_servers\": [], \"node\": {\"id\": \"n\"}}");
    assertThat(catchThrowableOfType(XdsBootstrapException.class,
        () -> XdsBootstrap.fromEnvironment(Map.of("GRPC_XDS_BOOTSTRAP", file.toString())::get)))
        .hasMessage("bootstrap (" + file + "): xds_servers: empty (expected: at least one server)");
  }
}
