package io.meshlet.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.consul.ConsulStub.Instance;
import io.meshlet.core.Mesh;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.snapshot.SourceStatus;
import io.meshlet.http.MeshInterceptor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Consul's service-router, service-splitter and service-resolver, read with blocking queries and routing real calls. */
class ConsulConfigEntriesTest {
  static final String RESOLVER = """
      {"Kind":"service-resolver","Name":"reviews","DefaultSubset":"v1","ConnectTimeout":"3s",
       "Subsets":{"v1":{"Filter":"Service.Meta.version == v1"},"v2":{"Filter":"\\"canary\\" in Service.Tags"}},
       "LoadBalancer":{"Policy":"round_robin"},"CreateIndex":5,"ModifyIndex":5}""";
  static final String SPLITTER = """
      {"Kind":"service-splitter","Name":"reviews","Splits":[{"Weight":%s,"ServiceSubset":"v1"},
       {"Weight":%s,"ServiceSubset":"v2","ResponseHeaders":{"Set":{"x-split":"v2"}}}],"CreateIndex":6,"ModifyIndex":6}""";
  static final String ROUTER = """
      {"Kind":"service-router","Name":"reviews","Routes":[
        {"Match":{"HTTP":{"Header":[{"Name":"end-user","Exact":"jason"}]}},
         "Destination":{"ServiceSubset":"v1","RequestTimeout":"2s","NumRetries":3,"RetryOnStatusCodes":[503]}},
        {"Match":{"HTTP":{"PathPrefix":"/old/"}},"Destination":{"PrefixRewrite":"/new/"}}],
       "CreateIndex":7,"ModifyIndex":7}""";

  private final ConsulStub consul = new ConsulStub();
  private final Backend v1 = new Backend("v1");
  private final Backend v2 = new Backend("v2");
  private Mesh mesh;
  private OkHttpClient client;

  @BeforeEach
  void start() {
    consul.health("reviews", 10, List.of(
        Instance.passing("reviews-1", v1.port(), Map.of("version", "v1")),
        Instance.passing("reviews-2", v2.port(), Map.of("version", "v2"), "canary")));
    consul.configEntries("service-resolver", 5, RESOLVER);
    consul.configEntries("service-splitter", 6, SPLITTER.formatted(0, 100));
    consul.configEntries("service-router", 7, ROUTER);
    mesh = Mesh.builder().workload("productpage")
        .configSource(ConsulSource.builder().address(consul.address()).services("reviews").configEntries(true)
            .blockingWait(Duration.ofSeconds(2)).backoff(Duration.ofMillis(20), Duration.ofMillis(100)).build())
        .build();
    client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
  }

  @AfterEach
  void stop() {
    mesh.close();
    consul.close();
    v1.close();
    v2.close();
  }

  private String call(String path, String user) throws IOException {
    Request.Builder b = new Request.Builder().url("http://reviews.service.consul" + path);
    if (user != null) {
      b.header("end-user", user);
    }
    try (Response r = client.newCall(b.build()).execute()) {
      return r.body().string() + " " + r.header("x-path") + (r.header("x-split") != null ? " split=" + r.header("x-split") : "");
    }
  }

  @Test
  void routerSplitterAndResolverRouteRealCalls() throws IOException {
    assertThat(call("/reviews/1", "jason")).isEqualTo("v1 /reviews/1");
    assertThat(call("/reviews/1", null)).isEqualTo("v2 /reviews/1 split=v2");
    assertThat(call("/old/1", null)).isEqualTo("v2 /new/1 split=v2");

    DestinationRule dr = mesh.snapshot().config().destinationRules().get(0);
    assertThat(dr.host()).isEqualTo("reviews.service.consul");
    assertThat(dr.subsets()).extracting(s -> s.name() + "=" + s.labels())
        .containsExactly("v1={version=v1}", "v2={tags.consul.io/canary=true}");
    assertThat(dr.trafficPolicy().connectionPool().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    var vs = mesh.snapshot().config().virtualServices().get(0);
    assertThat(vs.http().get(0).timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(vs.http().get(0).retries().attempts()).isEqualTo(3);
    assertThat(vs.http().get(0).retries().retriableStatusCodes()).containsExactly(503);
    assertThat(mesh.snapshot().origin(new ResourceId("VirtualService", "default", "consul-reviews")).orElseThrow().location())
        .isEqualTo("service-resolver/reviews, service-router/reviews, service-splitter/reviews");
  }

  @Test
  void aChangedSplitterIsAppliedAndABadOneRejectedWithItsPathWhileTheLastGoodRoutesAndEndpointsStillChange() throws IOException {
    consul.configEntries("service-splitter", 8, SPLITTER.formatted(100, 0));
    await().untilAsserted(() -> assertThat(call("/reviews/1", null)).isEqualTo("v1 /reviews/1"));

    consul.configEntries("service-splitter", 9, SPLITTER.formatted(90, 5.5));
    await().untilAsserted(() -> assertThat(mesh.lastRejection()).isPresent());
    List<ConfigProblem> errors = mesh.lastRejection().orElseThrow().errors();
    assertThat(errors).extracting(ConfigProblem::toString).containsExactly(
        "service-splitter reviews (/v1/config/service-splitter/reviews): Splits: weights sum to 95.5 (expected: 100)");
    SourceStatus status = mesh.sources().get(0);
    assertThat(status.state()).isEqualTo(SourceStatus.State.REJECTED);
    assertThat(call("/reviews/1", null)).isEqualTo("v1 /reviews/1");

    // While the splitter stays bad, endpoint changes still apply, with the last good entries.
    Backend v1b = new Backend("v1b");
    try {
      consul.health("reviews", 11, List.of(
          Instance.passing("reviews-3", v1b.port(), Map.of("version", "v1")),
          Instance.passing("reviews-2", v2.port(), Map.of("version", "v2"), "canary")));
      await().untilAsserted(() -> assertThat(call("/reviews/1", null)).isEqualTo("v1b /reviews/1"));
      assertThat(mesh.sources().get(0).state()).isEqualTo(SourceStatus.State.ACTIVE);
      assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).contains(
          "service-splitter reviews (/v1/config/service-splitter/reviews): Splits: " + EntriesLastGood.KEPT
              + "weights sum to 95.5 (expected: 100)");
    } finally {
      v1b.close();
    }

    consul.configEntries("service-splitter", 10, SPLITTER.formatted(50, 50));
    await().untilAsserted(() -> assertThat(mesh.snapshot().warnings()).isEmpty());
    assertThat(mesh.sources().get(0).state()).isEqualTo(SourceStatus.State.ACTIVE);
  }
}
