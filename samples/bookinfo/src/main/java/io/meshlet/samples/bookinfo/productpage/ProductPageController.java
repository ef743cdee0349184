package io.meshlet.samples.bookinfo.productpage;

import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.resilience.MeshTime;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * {@code /productpage}: the book, its details and its reviews. Logging in is a query parameter:
 * {@code /productpage?u=jason} remembers {@code jason} in the cookie {@code user} (an empty {@code u}
 * logs out); the user is sent on to details and reviews as the header {@code end-user}, as Istio's
 * productpage does.
 */
@RestController
public class ProductPageController {
  /** As Istio's productpage: each backend gets 3 s. */
  static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final MeshTime TIME = MeshTime.system();

  private final Details details;
  private final Reviews reviews;

  ProductPageController(Details details, Reviews reviews) {
    this.details = details;
    this.reviews = reviews;
  }

  @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
  String index() {
    return Page.index();
  }

  @GetMapping(value = "/productpage", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> page(@RequestParam(name = "u", required = false) @Nullable String login,
      @CookieValue(name = "user", required = false) @Nullable String cookie) {
    String user = login != null ? (login.isBlank() ? null : login) : cookie;
    Result<Map<String, Object>> d = call(() -> details.get(0, user));
    Result<Map<String, Object>> r = call(() -> reviews.get(0, user));
    ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
    if (login != null) {
      answer.header(HttpHeaders.SET_COOKIE, login.isBlank() ? "user=; Max-Age=0; Path=/" : "user=" + login + "; Path=/");
    }
    return answer.contentType(MediaType.TEXT_HTML).body(Page.product(user, d.value, d.error, r.value, r.error));
  }

  private static <T> Result<T> call(Supplier<T> call) {
    try (Deadline.Scope s = Deadline.after(TIMEOUT, TIME).attach()) {
      return new Result<>(call.get(), null);
    } catch (RestClientException e) {
      return new Result<>(null, reason(e));
    }
  }

  /**
   * What went wrong, as a user may read it: the status and body (and the response flags the mesh
   * set on a reply it made itself, such as {@code UO}), or the mesh's reason with its response flag.
   */
  static String reason(RestClientException e) {
    if (e instanceof RestClientResponseException status) {
      String body = status.getResponseBodyAsString();
      String flags = status.getResponseHeaders() == null ? null : status.getResponseHeaders().getFirst(ResponseFlag.HEADER);
      return "HTTP " + status.getStatusCode().value() + (body.isBlank() ? "" : ": " + body.strip())
          + (flags == null || flags.isBlank() ? "" : " (" + flags + ")");
    }
    if (e instanceof ResourceAccessException && e.getCause() != null) {
      return e.getCause().getMessage();
    }
    return e.getMessage();
  }

  private record Result<T>(@Nullable T value, @Nullable String error) {}
}
