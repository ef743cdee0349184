package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.spring.app.ProductPage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * With {@code mesh.startup.await-first-config=false} the application starts on an invalid first
 * config; the {@code mesh} health contributor is DOWN, says why, and turns UP once a valid config is in.
 */
@SpringBootTest(classes = ProductPage.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.application.name=productpage",
    "mesh.startup.await-first-config=false",
    "mesh.config.poll-interval=50ms",
    "management.endpoints.web.exposure.include=health,mesh",
    "management.endpoint.health.show-details=always"})
class HealthBeforeFirstConfigTest {
  static Path config;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void meshConfig(DynamicPropertyRegistry registry) throws IOException {
    config = Bookinfo.write(Files.createTempDirectory("health").resolve("mesh.yaml"),
        Bookinfo.yaml().replace("subset: v2}}]", "subset: v2}, weight: -5}]"));
    registry.add("mesh.config.files", config::toString);
  }

  @Test
  void healthIsDownUntilTheFirstValidConfigThenUp() throws IOException {
    await().until(() -> !get("/actuator/mesh").get("lastRejection").isNull());
    try (Response r = call("/actuator/health/mesh")) {
      assertThat(r.code()).isEqualTo(503);
      JsonNode health = JsonMapper.builder().build().readTree(r.body().string());
      assertThat(health.get("status").asString()).isEqualTo("DOWN");
      assertThat(health.get("details").get("version").asLong()).isZero();
      assertThat(health.get("details").get("failing").get(0).asString()).contains("REJECTED", "weight: -5");
    }
    assertThat(get("/actuator/mesh").get("ready").asBoolean()).isFalse();

    Bookinfo.write(config, Bookinfo.yaml());

    await().until(() -> get("/actuator/health/mesh").get("status").asString().equals("UP"));
    assertThat(get("/actuator/mesh").get("version").asLong()).isEqualTo(1);
  }

  private Response call(String path) throws IOException {
    return new OkHttpClient().newCall(new Request.Builder().url("http://127.0.0.1:" + port + path).build()).execute();
  }

  private JsonNode get(String path) throws IOException {
    try (Response r = call(path)) {
      return JsonMapper.builder().build().readTree(r.body().string());
    }
  }
}
