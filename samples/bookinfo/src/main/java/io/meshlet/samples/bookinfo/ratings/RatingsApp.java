package io.meshlet.samples.bookinfo.ratings;

import io.meshlet.core.Mesh;
import io.meshlet.samples.bookinfo.common.MeshJetty;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bookinfo's ratings: {@code GET /ratings/{id}} over HTTP and {@code /bookinfo.Ratings/Get} over gRPC
 * (the port {@code bookinfo.grpc-port}, served with the mesh's credentials and interceptor).
 */
@SpringBootApplication
@Import(MeshJetty.class)
public class RatingsApp {
  /** Every product gets the same two ratings, as in Istio's sample. */
  static final Map<String, Integer> RATINGS = ratings();

  @Bean
  RatingsGrpcServer ratingsGrpcServer(Mesh mesh, @Value("${bookinfo.grpc-port}") int port) {
    return new RatingsGrpcServer(mesh, port);
  }

  @RestController
  static class Http {
    @GetMapping("/ratings/{id}")
    Map<String, Object> get(@PathVariable("id") int id) {
      return Map.of("id", id, "ratings", RATINGS);
    }
  }

  private static Map<String, Integer> ratings() {
    Map<String, Integer> r = new LinkedHashMap<>();
    r.put("Reviewer1", 5);
    r.put("Reviewer2", 4);
    return r;
  }

  /** The gRPC answer: {@code Reviewer1=5,Reviewer2=4}. */
  static String grpcAnswer() {
    StringBuilder b = new StringBuilder();
    RATINGS.forEach((who, stars) -> b.append(b.isEmpty() ? "" : ",").append(who).append('=').append(stars));
    return b.toString();
  }
}
