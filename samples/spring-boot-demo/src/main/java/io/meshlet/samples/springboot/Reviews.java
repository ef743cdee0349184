package io.meshlet.samples.springboot;

import io.meshlet.spring.MeshClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;

/** The reviews service, called through the mesh: the VirtualService decides which version answers. */
@MeshClient(service = "reviews")
public interface Reviews {
  @GetExchange("/reviews/{id}")
  String get(@PathVariable("id") int id, @RequestHeader(name = "end-user", required = false) String user);
}
