package io.meshlet.spring;

import io.meshlet.spring.app.ProductPage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The product page application on a random port over embedded Tomcat, its mesh reading {@link
 * Bookinfo}'s YAML from a file. Test classes extending this share one context.
 */
@SpringBootTest(classes = ProductPage.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.application.name=productpage",
    "mesh.labels.app=productpage",
    "mesh.labels.version=v1",
    "management.endpoints.web.exposure.include=health,mesh",
    "management.endpoint.health.show-details=always"})
abstract class BookinfoContext {
  static final Path CONFIG;

  static {
    try {
      CONFIG = Bookinfo.write(Files.createTempDirectory("bookinfo").resolve("mesh.yaml"), Bookinfo.yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final OkHttpClient PLAIN = new OkHttpClient();
  static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;

  @DynamicPropertySource
  static void meshConfig(DynamicPropertyRegistry registry) {
    registry.add("mesh.config.files", CONFIG::toString);
  }

  /** GET on the application itself, not through the mesh. */
  Response get(String path) throws IOException {
    return PLAIN.newCall(new Request.Builder().url("http://127.0.0.1:" + port + path).build()).execute();
  }

  JsonNode json(String path) throws IOException {
    try (Response r = get(path)) {
      String body = r.body().string();
      if (r.code() != 200) {
        throw new AssertionError(path + ": " + r.code() + " " + body);
      }
      return JSON.readTree(body);
    }
  }
}
