package io.meshlet.spring.app;

import io.meshlet.core.identity.SpiffeId;
import io.meshlet.http.MeshServletFilter;
import io.meshlet.spring.EnableMeshClients;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

/** The test application: a servlet app whose @MeshClient interfaces call the backends of {@code Bookinfo}. */
@SpringBootApplication
@EnableMeshClients(basePackages = "io.meshlet.spring.other")
public class ProductPage {
  @RestController
  static class Pages {
    private final Reviews reviews;

    Pages(Reviews reviews) {
      this.reviews = reviews;
    }

    /** A page that calls reviews while it is served, as Bookinfo's product page does. */
    @GetMapping("/product/{id}")
    String product(@PathVariable int id, @RequestHeader("end-user") String user) {
      return reviews.get(id, user).version();
    }

    @GetMapping("/hello")
    String hello() {
      return "hello";
    }

    /** The caller's mesh identity, as MeshServletFilter read it from its client certificate. */
    @GetMapping("/whoami")
    String whoami(@RequestAttribute(name = MeshServletFilter.PEER_ATTRIBUTE, required = false) @Nullable SpiffeId peer) {
      return peer == null ? "anonymous" : peer.uri();
    }

    @GetMapping("/denied")
    String denied() {
      return "the AuthorizationPolicy should have stopped this";
    }
  }
}
