package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path dir;

  @Test
  void argumentsAreCheckedWithTheOptionInTheMessage() {
    assertThatCode(() -> Main.parse(new String[] {"--config-dir", dir.toString(), "--port", "0"}).build())
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> Main.parse(new String[] {"--port", "15010"}))
        .hasMessage("--config-dir: missing (expected: a directory of Istio YAML files)");
    assertThatThrownBy(() -> Main.parse(new String[] {"--config-dir", dir.toString(), "--port", "x"}))
        .hasMessage("--port: 'x' (expected: a number)");
    assertThatThrownBy(() -> Main.parse(new String[] {"--config-dir", dir.toString(), "--port", "70000"}))
        .hasMessage("port: 70000 (expected: 0..65535)");
    assertThatThrownBy(() -> Main.parse(new String[] {"--config-dir", dir.resolve("none").toString()}))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Main.parse(new String[] {"--bogus", "1"})).hasMessage("--bogus: unknown option");
    assertThatThrownBy(() -> Main.parse(new String[] {"--config-dir", dir.toString(), "--root-namespace", ""}))
        .hasMessage("rootNamespace: '' (expected: a namespace, e.g. istio-system)");
  }

  @Test
  void theAdminServerIsOnPort15014UnlessToldOtherwise() {
    assertThat(Main.parse(new String[] {"--config-dir", dir.toString()}).build().adminEnabled()).isTrue();
    assertThat(Main.parse(new String[] {"--config-dir", dir.toString(), "--admin-port", "-1"}).build().adminEnabled()).isFalse();
    assertThat(MeshControlPlane.builder().configDir(dir).build().adminEnabled()).as("the builder's default: off").isFalse();
    assertThatThrownBy(() -> Main.parse(new String[] {"--config-dir", dir.toString(), "--admin-port", "-2"}))
        .hasMessage("adminPort: -2 (expected: -1 (off) or 0..65535)");
    assertThatThrownBy(() -> Main.parse(new String[] {"--config-dir", dir.toString(), "--prometheus-url", "prometheus:9090"}))
        .hasMessage("prometheus: 'prometheus:9090' (expected: http://host:9090)");
    assertThatCode(() -> Main.parse(new String[] {"--config-dir", dir.toString(), "--prometheus-url", "http://127.0.0.1:9090",
        "--scrape-interval-ms", "1000"}).build()).doesNotThrowAnyException();
    assertThatThrownBy(() -> Main.parse(new String[] {"--config-dir", dir.toString(), "--scrape-interval-ms", "0"}))
        .hasMessage("scrapeInterval: PT0S (expected: > 0)");
    assertThat(Main.USAGE).contains("[--admin-port 15014 (-1: off)]").contains("[--prometheus-url URL]");
  }

  @Test
  void rootNamespaceDefaultsToIstioSystem() {
    assertThat(Main.parse(new String[] {"--config-dir", dir.toString()}).build().rootNamespace()).isEqualTo("istio-system");
    assertThat(Main.parse(new String[] {"--config-dir", dir.toString(), "--root-namespace", "mesh-root"}).build().rootNamespace())
        .isEqualTo("mesh-root");
    assertThat(Main.USAGE).contains("[--root-namespace istio-system]");
  }
}
