package io.meshlet.spring.app;

import io.meshlet.spring.MeshClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;

/** No port: {@code reviews} has one. */
@MeshClient(service = "reviews")
public interface Reviews {
  @GetExchange("/reviews/{id}")
  ReviewList get(@PathVariable int id, @RequestHeader("end-user") String user);

  @PostExchange("/reviews")
  ReviewList post(@RequestBody ReviewList review, @RequestHeader("end-user") String user);

  record ReviewList(int id, String version) {}
}
