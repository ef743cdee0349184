package io.meshlet.samples.bookinfo.reviews;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.meshlet.samples.bookinfo.common.RatingsGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /reviews/{id}}: two reviews, with the ratings from the ratings service for v2 and v3. */
@RestController
public class ReviewsController {
  /** As Istio's reviews: it waits up to 10 s for ratings. */
  static final Duration RATINGS_TIMEOUT = Duration.ofSeconds(10);
  static final Metadata.Key<String> END_USER = Metadata.Key.of("end-user", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel ratings;
  private final String version;
  private final String pod;
  private final AtomicLong served = new AtomicLong();

  ReviewsController(ManagedChannel ratings, @Value("${bookinfo.version}") String version, @Value("${mesh.workload}") String pod) {
    this.ratings = ratings;
    this.version = version;
    this.pod = pod;
  }

  /** How many requests this version answered (mirrored ones too). */
  public long served() {
    return served.get();
  }

  @GetMapping("/reviews/{id}")
  Map<String, Object> get(@PathVariable("id") int id, @RequestHeader(name = "end-user", required = false) @Nullable String user) {
    served.incrementAndGet();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", id);
    answer.put("podname", pod);
    answer.put("clustername", "null");
    Map<String, Integer> stars = null;
    String ratingsError = null;
    if (!version.equals("v1")) {
      try {
        stars = parse(askRatings(id, user));
      } catch (StatusRuntimeException e) {
        ratingsError = "Ratings service is currently unavailable (" + e.getStatus().getCode() + ": " + e.getStatus().getDescription() + ")";
      }
    }
    List<Map<String, Object>> reviews = new ArrayList<>();
    reviews.add(review("Reviewer1", "An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!", stars, ratingsError));
    reviews.add(review("Reviewer2", "Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.",
        stars, ratingsError));
    answer.put("reviews", reviews);
    return answer;
  }

  private String askRatings(int id, @Nullable String user) {
    Metadata headers = new Metadata();
    if (user != null) {
      headers.put(END_USER, user);
    }
    return ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(ratings, MetadataUtils.newAttachHeadersInterceptor(headers)),
        RatingsGrpc.GET, CallOptions.DEFAULT.withDeadlineAfter(RATINGS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), Integer.toString(id));
  }

  private Map<String, Object> review(String reviewer, String text, @Nullable Map<String, Integer> stars, @Nullable String error) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("reviewer", reviewer);
    r.put("text", text);
    if (stars != null && stars.containsKey(reviewer)) {
      r.put("rating", Map.of("stars", stars.get(reviewer), "color", version.equals("v2") ? "black" : "red"));
    } else if (error != null) {
      r.put("rating", Map.of("error", error));
    }
    return r;
  }

  private static Map<String, Integer> parse(String answer) {
    Map<String, Integer> stars = new LinkedHashMap<>();
    for (String pair : answer.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        stars.put(pair.substring(0, eq), Integer.parseInt(pair.substring(eq + 1)));
      }
    }
    return stars;
  }
}
