package io.meshlet.meshctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.controlplane.MeshControlPlane;
import io.meshlet.core.Mesh;
import io.meshlet.xds.XdsConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * explain and proxy-config live: against a Spring Boot workload's actuator (the starter's
 * {@code /actuator/mesh/*}) and against mesh-control-plane's admin API with a workload connected
 * to it over xDS.
 */
class LiveCommandsTest {
  @TempDir static Path dir;
  static ConfigurableApplicationContext app;
  static MeshControlPlane cp;
  static Mesh workload;
  static String appUrl;
  static String cpUrl;

  @SpringBootApplication
  static class Productpage {}

  @BeforeAll
  static void start() {
    // meshctl binds SLF4J to no-op; Boot's logging system would insist on Logback.
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    Path config = Yaml.write(dir.resolve("config/reviews.yaml"), Yaml.reviews(9081, 9082));
    app = new SpringApplicationBuilder(Productpage.class).properties(Map.of(
        "server.port", "0", "spring.application.name", "productpage", "mesh.config.files", config.toString(),
        "management.endpoints.web.exposure.include", "mesh")).run();
    appUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();

    cp = MeshControlPlane.builder().configDir(dir.resolve("config")).port(0).adminPort(0)
        .pollInterval(Duration.ofMillis(50)).build();
    try {
      cp.start();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    cpUrl = "http://127.0.0.1:" + cp.adminPort();
    XdsConfigSource source = XdsConfigSource.builder().target("127.0.0.1:" + cp.port()).nodeId("productpage-v1-node")
        .namespace("default").labels(Map.of("app", "productpage", "version", "v1"))
        .metadata(Map.of("WORKLOAD_NAME", "productpage-v1")).build();
    workload = Mesh.builder().workload("productpage-v1").namespace("default").labels(Map.of("app", "productpage"))
        .configSource(source).startupTimeout(Duration.ofSeconds(30)).build();
  }

  @AfterAll
  static void stop() {
    if (workload != null) {
      workload.close();
    }
    if (cp != null) {
      cp.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void explainAgainstAWorkloadsActuatorAndTheControlPlane() {
    Cli actuator = Cli.run("explain", "http://reviews:9080/reviews/1", "-H", "end-user: jason", "--workload-url", appUrl);
    assertThat(actuator.code()).as(actuator.err()).isZero();
    assertThat(actuator.out()).contains("jason-gets-v2").contains("127.0.0.1:9082");

    Cli served = Cli.run("explain", "http://reviews:9080/reviews/1", "--control-plane", cpUrl, "--node", "productpage-v1");
    assertThat(served.code()).as(served.err()).isZero();
    assertThat(served.out()).contains("everyone-else").contains("127.0.0.1:9081");
  }

  @Test
  void proxyConfigFromTheActuatorShowsWhatTheWorkloadCompiled() {
    Cli routes = Cli.run("proxy-config", "routes", "--workload-url", appUrl);
    assertThat(routes.code()).as(routes.err()).isZero();
    assertThat(routes.out().lines().findFirst().orElseThrow()).startsWith("HOST").contains("VIRTUALSERVICE", "DESTINATIONS");
    assertThat(routes.out()).containsPattern("reviews\\.default\\.svc\\.cluster\\.local\\s+VirtualService default/reviews\\s+jason-gets-v2")
        .contains("reviews.default.svc.cluster.local|v2 100%");

    Cli clusters = Cli.run("proxy-config", "clusters", "--workload-url", appUrl);
    assertThat(clusters.out()).contains("outbound|9080|v1|reviews.default.svc.cluster.local");
    Cli endpoints = Cli.run("proxy-config", "endpoints", "--workload-url", appUrl);
    assertThat(endpoints.out()).containsPattern("127\\.0\\.0\\.1:9082\\s+outbound\\|9080\\|v2\\|reviews\\.default\\.svc\\.cluster\\.local\\s+1\\s+HEALTHY");
    Cli dump = Cli.run("proxy-config", "configdump", "--workload-url", appUrl);
    assertThat(Http.JSON.readTree(dump.out()).path("resources")).hasSize(3);
  }

  @Test
  void proxyConfigFromTheControlPlaneShowsWhatItServedAndTheAckState() {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Cli clusters = Cli.run("proxy-config", "clusters", "productpage-v1", "--control-plane", cpUrl);
      assertThat(clusters.code()).as(clusters.err()).isZero();
      assertThat(clusters.out()).containsPattern("outbound\\|9080\\|v2\\|reviews\\.default\\.svc\\.cluster\\.local\\s+EDS\\s+\\S+\\s+\\S+\\s+ACK");
    });
    Cli endpoints = Cli.run("proxy-config", "endpoints", "productpage-v1-node", "--control-plane", cpUrl);
    assertThat(endpoints.out()).contains("127.0.0.1:9081");
    Cli routes = Cli.run("proxy-config", "routes", "productpage-v1", "--control-plane", cpUrl);
    assertThat(routes.out()).contains("reviews.default.svc.cluster.local");

    Cli unknown = Cli.run("proxy-config", "clusters", "details", "--control-plane", cpUrl);
    assertThat(unknown.code()).isEqualTo(3);
    assertThat(unknown.err()).contains("details: no such workload").contains("productpage-v1 (productpage-v1-node)");
  }
}
