package io.meshlet.samples.bookinfo.productpage;

import io.meshlet.spring.MeshClient;
import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;

/** The details service, through the mesh. */
@MeshClient(service = "details", port = 9080)
public interface Details {
  @GetExchange("/details/{id}")
  Map<String, Object> get(@PathVariable("id") int id, @RequestHeader(name = "end-user", required = false) String user);
}
