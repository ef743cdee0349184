package io.meshlet.spring.other;

import io.meshlet.spring.MeshClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;

/** Outside the application's package: found through {@code @EnableMeshClients}. */
@MeshClient(service = "ratings", port = 9080)
public interface Ratings {
  @GetExchange("/ratings/{id}")
  String get(@PathVariable int id);
}
