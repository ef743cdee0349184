package io.meshlet.samples.bookinfo;

import io.meshlet.samples.bookinfo.details.DetailsApp;
import io.meshlet.samples.bookinfo.productpage.ProductPageApp;
import io.meshlet.samples.bookinfo.ratings.RatingsApp;
import io.meshlet.samples.bookinfo.reviews.ReviewsApp;
import java.util.List;

/**
 * One of Bookinfo's six workloads: its name ({@code reviews-v2}, Istio's {@code source_workload}),
 * app and version labels, the Spring Boot application that runs it, and whether it serves gRPC.
 */
record Workload(String name, String app, String version, Class<?> application, boolean grpc) {
  static final List<Workload> ALL = List.of(
      new Workload("productpage-v1", "productpage", "v1", ProductPageApp.class, false),
      new Workload("details-v1", "details", "v1", DetailsApp.class, false),
      new Workload("reviews-v1", "reviews", "v1", ReviewsApp.class, false),
      new Workload("reviews-v2", "reviews", "v2", ReviewsApp.class, false),
      new Workload("reviews-v3", "reviews", "v3", ReviewsApp.class, false),
      new Workload("ratings-v1", "ratings", "v1", RatingsApp.class, true));

  /** The service account, as Bookinfo's in Istio: {@code bookinfo-reviews}. */
  String serviceAccount() {
    return "bookinfo-" + app;
  }
}
