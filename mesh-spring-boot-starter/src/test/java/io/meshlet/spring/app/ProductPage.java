package io.meshlet.spring.app;

import io.meshlet.spring.EnableMeshClients;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The test application: a servlet app whose @MeshClient interfaces call the backends of {@code Bookinfo}. */
@SpringBootApplication
@EnableMeshClients(basePackages = "io.meshlet.spring.other")
public class ProductPage {
  @RestController
  static class Pages {
    @GetMapping("/hello")
    String hello() {
      return "hello";
    }

    @GetMapping("/denied")
    String denied() {
      return "the AuthorizationPolicy should have stopped this";
    }
  }
}
