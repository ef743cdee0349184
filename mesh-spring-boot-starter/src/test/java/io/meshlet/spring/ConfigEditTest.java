package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.spring.app.ProductPage;
import io.meshlet.spring.app.Reviews;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A bad edit of the config file while the application runs: rejected, shown by the actuator, and the last good config keeps routing. */
@SpringBootTest(classes = ProductPage.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.application.name=productpage",
    "mesh.config.poll-interval=50ms",
    "management.endpoints.web.exposure.include=health,mesh",
    "management.endpoint.health.show-details=always"})
class ConfigEditTest {
  static Path config;

  @LocalServerPort int port;
  @Autowired Reviews reviews;

  @DynamicPropertySource
  static void meshConfig(DynamicPropertyRegistry registry) throws IOException {
    config = Bookinfo.write(Files.createTempDirectory("edit").resolve("mesh.yaml"), Bookinfo.yaml());
    registry.add("mesh.config.files", config::toString);
  }

  @Test
  void aBadEditShowsInTheActuatorWhileTheLastGoodConfigKeepsRouting() throws IOException {
    Bookinfo.write(config, Bookinfo.yaml().replace("subset: v2}}]", "subset: v2}, weight: -5}]"));

    await().until(() -> !mesh().get("lastRejection").isNull());
    JsonNode mesh = mesh();
    JsonNode rejection = mesh.get("lastRejection");
    assertThat(rejection.get("source").asString()).isEqualTo("file:" + config);
    assertThat(rejection.get("keptVersion").asLong()).isEqualTo(1);
    JsonNode error = rejection.get("errors").get(0);
    assertThat(error.get("kind").asString()).isEqualTo("VirtualService");
    assertThat(error.get("name").asString()).isEqualTo("reviews");
    assertThat(error.get("path").asString()).isEqualTo("http[0].route[0].weight");
    assertThat(error.get("text").asString()).contains("http[0].route[0].weight: -5 (expected: 0..100)");
    assertThat(mesh.get("version").asLong()).isEqualTo(1);
    assertThat(mesh.get("sources").get(0).get("state").asString()).isEqualTo("REJECTED");

    assertThat(reviews.get(1, "jason")).isEqualTo(new Reviews.ReviewList(1, "v2"));
    JsonNode health = get("/actuator/health/mesh");
    assertThat(health.get("status").asString()).as("the last good config is in force").isEqualTo("UP");
    assertThat(health.get("details").get("failing").get(0).asString()).contains("REJECTED");
  }

  private JsonNode mesh() throws IOException {
    return get("/actuator/mesh");
  }

  private JsonNode get(String path) throws IOException {
    try (Response r = new OkHttpClient().newCall(new Request.Builder().url("http://127.0.0.1:" + port + path).build()).execute()) {
      return JsonMapper.builder().build().readTree(r.body().string());
    }
  }
}
