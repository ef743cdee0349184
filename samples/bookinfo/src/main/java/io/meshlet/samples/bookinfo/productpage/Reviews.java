package io.meshlet.samples.bookinfo.productpage;

import io.meshlet.spring.MeshClient;
import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;

/** The reviews service, through the mesh: the VirtualService decides which version answers. */
@MeshClient(service = "reviews", port = 9080)
public interface Reviews {
  @GetExchange("/reviews/{id}")
  Map<String, Object> get(@PathVariable("id") int id, @RequestHeader(name = "end-user", required = false) String user);
}
