package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.http.MeshRoutingException;
import io.meshlet.http.MeshServletFilter;
import io.meshlet.spring.app.Reviews;
import io.meshlet.spring.other.Ratings;
import java.io.IOException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/** Calls from a real Boot application through {@code @MeshClient}, Boot's RestClient.Builder and OkHttp, routed by the mesh to real backends. */
class MeshClientRoutingTest extends BookinfoContext {
  @Autowired Reviews reviews;
  @Autowired Ratings ratings;
  @Autowired RestClient.Builder restClientBuilder;
  @Autowired MeshHttpClients meshHttpClients;
  @Autowired FilterRegistrationBean<MeshServletFilter> meshServletFilter;

  @Test
  void aMeshClientCallGoesToTheBackendTheVirtualServicePicksByHeader() throws InterruptedException {
    int v1 = Bookinfo.V1.received.size();
    int v2 = Bookinfo.V2.received.size();
    int v3 = Bookinfo.V3.received.size();

    assertThat(reviews.get(1, "jason")).isEqualTo(new Reviews.ReviewList(1, "v2"));
    assertThat(reviews.get(2, "kim")).isEqualTo(new Reviews.ReviewList(2, "v3"));
    assertThat(reviews.get(3, "someone")).isEqualTo(new Reviews.ReviewList(3, "v1"));

    assertThat(Bookinfo.V1.received).hasSize(v1 + 1);
    assertThat(Bookinfo.V2.received).hasSize(v2 + 1);
    assertThat(Bookinfo.V3.received).hasSize(v3 + 1);
    assertThat(Bookinfo.V2.received.get(v2).getUrl().encodedPath()).isEqualTo("/reviews/1");
    assertThat(Bookinfo.V2.received.get(v2).getHeaders().get("end-user")).isEqualTo("jason");
    assertThat(Bookinfo.V2.received.get(v2).getHeaders().get("Host"))
        .as("the Host header keeps the name the caller used").isEqualTo("reviews");
  }

  @Test
  void aBodyIsWrittenAsJsonByBootsConvertersAndSentToTheRoutedBackend() {
    int v3 = Bookinfo.V3.received.size();

    assertThat(reviews.post(new Reviews.ReviewList(9, "mine"), "kim")).isEqualTo(new Reviews.ReviewList(9, "mine"));

    assertThat(Bookinfo.V3.received).hasSize(v3 + 1);
    assertThat(Bookinfo.V3.received.get(v3).getMethod()).isEqualTo("POST");
    assertThat(Bookinfo.V3.received.get(v3).getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(Bookinfo.V3.received.get(v3).getBody().utf8()).isEqualTo("{\"id\":9,\"version\":\"mine\"}");
  }

  @Test
  void aGetCarriesNoBodyHeaders() {
    int v1 = Bookinfo.V1.received.size();

    reviews.get(10, "someone");

    assertThat(Bookinfo.V1.received.get(v1).getHeaders().get("Content-Length")).isNull();
  }

  @Test
  void aFailedTryIsRetriedAsTheVirtualServiceSays() {
    int before = Bookinfo.RATINGS.received.size();
    Bookinfo.RATINGS.failNext.set(1);

    assertThat(ratings.get(7)).isEqualTo("5");

    assertThat(Bookinfo.RATINGS.received).hasSize(before + 2);
    assertThat(Bookinfo.RATINGS.received.get(before + 1).getUrl().encodedPath()).isEqualTo("/ratings/7");
  }

  @Test
  void aCallTheMeshRefusesIsAResourceAccessExceptionWithTheMeshsReason() {
    assertThatThrownBy(() -> restClientBuilder.build().get().uri("http://ratings:9080/other").retrieve().body(String.class))
        .isInstanceOf(ResourceAccessException.class)
        .cause().isInstanceOf(MeshRoutingException.class)
        .hasMessageEndingWith("(NR)");
  }

  @Test
  void bootsRestClientBuilderIsMeshed() {
    String body = restClientBuilder.build().get().uri("http://reviews:9080/reviews/4")
        .header("end-user", "jason").retrieve().body(String.class);

    assertThat(body).isEqualTo("{\"id\":4,\"version\":\"v2\"}");
  }

  @Test
  void anApplicationsOwnOkHttpClientIsMeshedByTheCustomizer() throws IOException {
    OkHttpClient own = meshHttpClients.mesh(new OkHttpClient());

    try (Response r = own.newCall(new Request.Builder().url("http://reviews:9080/reviews/5").header("end-user", "kim").build()).execute()) {
      assertThat(r.body().string()).isEqualTo("{\"id\":5,\"version\":\"v3\"}");
    }
    assertThat(meshHttpClients.mesh(own)).as("meshing twice adds nothing").isSameAs(own);
  }

  @Test
  void theServletFilterRunsFirstAndEnforcesTheAuthorizationPolicy() throws IOException {
    assertThat(meshServletFilter.getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE);
    try (Response denied = get("/denied")) {
      assertThat(denied.code()).isEqualTo(403);
      assertThat(denied.body().string()).isEqualTo(MeshServletFilter.DENIED_BODY);
    }
    try (Response allowed = get("/hello")) {
      assertThat(allowed.code()).isEqualTo(200);
      assertThat(allowed.body().string()).isEqualTo("hello");
    }
  }
}
