package io.meshlet.spring.xdsapp;

import io.meshlet.spring.MeshClient;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;

/** A product page that takes its config from an xDS control plane and calls {@code details} with no port. */
@SpringBootApplication
public class DetailsPage {
  /** No port: {@code details} has one, 9080, and mesh-control-plane routes it per port. */
  @MeshClient(service = "details")
  public interface Details {
    @GetExchange("/details/{id}")
    String get(@PathVariable int id);
  }
}
