package io.meshlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.meshlet.core.Mesh;
import io.meshlet.core.OutboundTrafficPolicy;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.explain.Explanation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing through OkHttp to real servers on loopback, labelled v1, v2 and v3. */
class MeshInterceptorTest {
  @TempDir Path dir;
  Backend v1;
  Backend v2;
  Backend v3;
  Path config;
  Mesh mesh;
  OkHttpClient client;

  @BeforeEach
  void start() throws IOException {
    v1 = new Backend("v1");
    v2 = new Backend("v2");
    v3 = new Backend("v3");
    config = dir.resolve("mesh.yaml");
    write(reviews() + "---\n" + ratings());
    mesh = Mesh.builder()
        .workload("productpage").namespace("default").labels(Map.of("app", "productpage", "version", "v1"))
        .configFile(config)
        .pollInterval(Duration.ofMillis(50))
        .random(new Random(7))
        .build();
    client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
  }

  @AfterEach
  void stop() {
    mesh.close();
    v1.close();
    v2.close();
    v3.close();
  }

  @Test
  void headerMatchSendsJasonToV2() throws IOException {
    for (int i = 0; i < 20; i++) {
      assertThat(call("http://reviews:9080/reviews/1", "end-user", "jason")).isEqualTo("v2");
    }
    assertThat(v1.received).isEmpty();
    assertThat(v3.received).isEmpty();
  }

  @Test
  void weightedSplitIsEightyTwentyWithinTolerance() throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    int n = 2000;
    for (int i = 0; i < n; i++) {
      counts.merge(call("http://reviews:9080/reviews/1"), 1, Integer::sum);
    }
    assertThat(counts).doesNotContainKey("v2");
    assertThat(counts.get("v1") / (double) n).isCloseTo(0.80, within(0.03));
    assertThat(counts.get("v3") / (double) n).isCloseTo(0.20, within(0.03));
  }

  @Test
  void theBackendSeesTheAuthorityTheCallerUsed() throws IOException {
    call("http://reviews:9080/reviews/1", "end-user", "jason");
    assertThat(v2.last().getHeaders().get("Host")).isEqualTo("reviews:9080");
    call("http://reviews.default.svc.cluster.local:9080/x", "end-user", "jason");
    assertThat(v2.last().getHeaders().get("Host")).isEqualTo("reviews.default.svc.cluster.local:9080");
    assertThat(v2.last().getUrl().encodedPath()).isEqualTo("/x");
  }

  @Test
  void everyNameOfTheServiceRoutes() throws IOException {
    for (String host : new String[] {"reviews", "reviews.default", "reviews.default.svc", "reviews.default.svc.cluster.local"}) {
      assertThat(call("http://" + host + ":9080/", "end-user", "jason")).as(host).isEqualTo("v2");
    }
  }

  @Test
  void uriPrefixAndRegexRoutingWithRewrite() throws IOException {
    assertThat(call("http://ratings:9080/v3/ratings/7")).isEqualTo("v3");
    assertThat(v3.last().getUrl().encodedPath()).isEqualTo("/ratings/7");
    assertThat(call("http://ratings:9080/ratings/42")).isEqualTo("v2");
    assertThat(v2.last().getUrl().encodedPath()).isEqualTo("/ratings/42");
    assertThat(call("http://ratings:9080/ratings/abc?x=1")).isEqualTo("v1");
    assertThat(v1.last().getUrl().encodedPath()).isEqualTo("/ratings/abc");
    assertThat(v1.last().getUrl().encodedQuery()).isEqualTo("x=1");
  }

  @Test
  void ignoreUriCaseMethodAndQueryMatches() throws IOException {
    assertThat(call("http://ratings:9080/V3/RATINGS/7")).isEqualTo("v3");
    Response post = client.newCall(new Request.Builder().url("http://ratings:9080/anything")
        .post(RequestBody.create(new byte[0], null)).build()).execute();
    assertThat(post.body().string()).isEqualTo("v2");
    assertThat(call("http://ratings:9080/anything?canary=true")).isEqualTo("v3");
  }

  @Test
  void requestAndResponseHeadersAreManipulated() throws IOException {
    Request request = new Request.Builder().url("http://reviews:9080/").header("end-user", "jason")
        .header("x-remove-me", "1").header("x-replace", "old").build();
    try (Response response = client.newCall(request).execute()) {
      assertThat(response.header("x-mesh")).isEqualTo("meshlet");
      assertThat(response.header("x-upstream-only")).isNull();
      assertThat(response.headers("x-served-by")).containsExactly("v2-subset");
    }
    var seen = v2.last().getHeaders();
    assertThat(seen.get("x-replace")).isEqualTo("new");
    assertThat(seen.values("x-added")).containsExactly("yes");
    assertThat(seen.get("x-remove-me")).isNull();
    assertThat(seen.get("x-destination")).isEqualTo("v2");
  }

  @Test
  void directResponseAndRedirect() throws IOException {
    try (Response r = client.newCall(new Request.Builder().url("http://ratings:9080/health").build()).execute()) {
      assertThat(r.code()).isEqualTo(418);
      assertThat(r.body().string()).isEqualTo("short and stout");
      assertThat(v1.received).isEmpty();
    }
    // Followed like OkHttp follows a sidecar's redirect: /old/7 -> /ratings/7 -> v2 (regex route).
    try (Response r = client.newCall(new Request.Builder().url("http://ratings:9080/old/7").build()).execute()) {
      assertThat(r.body().string()).isEqualTo("v2");
      assertThat(v2.last().getUrl().encodedPath()).isEqualTo("/ratings/7");
    }
    OkHttpClient noFollow = new OkHttpClient.Builder()
        .addInterceptor(MeshInterceptor.builder(mesh).followRedirects(false).build()).build();
    try (Response r = noFollow.newCall(new Request.Builder().url("http://ratings:9080/old/7?q=1").build()).execute()) {
      assertThat(r.code()).isEqualTo(301);
      assertThat(r.header("Location")).isEqualTo("http://ratings:9080/ratings/7?q=1");
    }
  }

  @Test
  void unknownHostsPassThroughUnderAllowAny() throws IOException {
    try (Response r = client.newCall(new Request.Builder().url("http://127.0.0.1:" + v1.port() + "/direct").build()).execute()) {
      assertThat(r.body().string()).isEqualTo("v1");
    }
    assertThat(v1.last().getUrl().encodedPath()).isEqualTo("/direct");
  }

  @Test
  void unknownHostsFailUnderRegistryOnly() {
    try (Mesh strict = Mesh.builder().workload("productpage").configFile(config)
        .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY).build()) {
      OkHttpClient c = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(strict)).build();
      assertThatThrownBy(() -> c.newCall(new Request.Builder().url("http://127.0.0.1:" + v1.port() + "/").build()).execute())
          .isInstanceOfSatisfying(MeshRoutingException.class, e -> assertThat(e.responseFlag()).isEqualTo(ResponseFlag.BLOCKED))
          .hasMessageContaining("127.0.0.1 is not known to the mesh");
      assertThat(v1.received).isEmpty();
    }
  }

  @Test
  void aSubsetWithNoEndpointFailsWithAClearMessage() {
    assertThatThrownBy(() -> call("http://reviews:9080/", "end-user", "nobody"))
        .isInstanceOfSatisfying(MeshRoutingException.class, e -> assertThat(e.responseFlag()).isEqualTo(ResponseFlag.UH))
        .hasMessage("no endpoint for reviews.default.svc.cluster.local subset v4 port 9080 (UH)");
  }

  @Test
  void noMatchingRuleIsNoRoute() {
    assertThatThrownBy(() -> call("http://ratings:9080/health/deep", "x-no-default", "1"))
        .isInstanceOfSatisfying(MeshRoutingException.class, e -> assertThat(e.responseFlag()).isEqualTo(ResponseFlag.NR))
        .hasMessageContaining("no route for GET http://ratings:9080/health/deep in VirtualService default/ratings");
  }

  @Test
  void hotReloadAppliesAValidEditAndKeepsRoutingThroughAnInvalidOne() throws IOException {
    write(reviews().replace("subset: v2 }", "subset: v3 }") + "---\n" + ratings());
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.snapshot().version() == 2);
    assertThat(call("http://reviews:9080/", "end-user", "jason")).isEqualTo("v3");

    write(reviews().replace("weight: 80", "weight: -5") + "---\n" + ratings());
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.lastRejection().isPresent());
    assertThat(mesh.lastRejection().orElseThrow().errors().get(0).toString())
        .isEqualTo("VirtualService reviews (" + config + "): http[2].route[0].weight: -5 (expected: 0..100)");
    assertThat(call("http://reviews:9080/", "end-user", "jason")).isEqualTo("v3");
    assertThat(mesh.snapshot().version()).isEqualTo(2);
  }

  @Test
  void explainNamesTheRuleTheSplitAndTheEndpoint() {
    Explanation e = mesh.explain("http://reviews:9080/reviews/1", Map.of("end-user", "bob"));
    assertThat(e.outcome()).isEqualTo(Explanation.Outcome.FORWARD);
    assertThat(e.virtualService().name()).isEqualTo("reviews");
    assertThat(e.rules()).hasSize(3);
    assertThat(e.rules().get(0).reasons()).containsExactly("header end-user: 'bob' does not match exact 'jason'");
    assertThat(e.matchedRule()).isEqualTo(2);
    assertThat(e.destinations()).hasSize(2);
    assertThat(e.endpoint()).isIn("127.0.0.1:" + v1.port(), "127.0.0.1:" + v3.port());
    assertThat(e.toString()).contains("http[0] \"jason\": skipped - header end-user: 'bob' does not match exact 'jason'");
  }

  @Test
  void theFirstValueOfARepeatedHeaderAndAValuelessQueryParameterMatchAsInExplain() throws IOException {
    Request twice = new Request.Builder().url("http://reviews:9080/").addHeader("end-user", "jason")
        .addHeader("end-user", "bob").build();
    try (Response r = client.newCall(twice).execute()) {
      assertThat(r.body().string()).isEqualTo("v2");
    }
    assertThat(call("http://ratings:9080/anything?canary")).isEqualTo("v1");
    assertThat(call("http://ratings:9080/anything?debug")).isEqualTo("v3");
    assertThat(mesh.explain("http://ratings:9080/anything?debug", Map.of()).endpoint()).isEqualTo("127.0.0.1:" + v3.port());
  }

  private String call(String url, String... headers) throws IOException {
    Request.Builder b = new Request.Builder().url(url);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try (Response r = client.newCall(b.build()).execute()) {
      return r.body().string();
    }
  }

  private void write(String yaml) throws IOException {
    Path tmp = dir.resolve("mesh.yaml.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private String reviews() {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v2}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v3}}
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
          - {name: v3, labels: {version: v3}}
          - {name: v4, labels: {version: v4}}
        ---
        apiVersion: networking.istio.io/v1alpha3
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - name: jason
            match: [{headers: {end-user: {exact: jason}}}]
            headers:
              request:
                set: {x-replace: new}
                add: {x-added: "yes"}
                remove: [x-remove-me]
              response:
                set: {x-mesh: meshlet}
                remove: [x-upstream-only]
            route:
            - destination: { host: reviews, subset: v2 }
              headers:
                request: {set: {x-destination: v2}}
                response: {add: {x-served-by: v2-subset}}
          - name: nobody
            match: [{headers: {end-user: {exact: nobody}}}]
            route:
            - destination: {host: reviews, subset: v4}
          - name: split
            route:
            - destination: {host: reviews, subset: v1}
              weight: 80
            - destination: {host: reviews, subset: v3}
              weight: 20
        """.formatted(v1.port(), v2.port(), v3.port());
  }

  private String ratings() {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ratings}
        spec:
          hosts: [ratings]
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v2}}
          - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v3}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings}
        spec:
          host: ratings
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
          - {name: v3, labels: {version: v3}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings}
        spec:
          hosts: [ratings]
          http:
          - match: [{uri: {prefix: /v3/}, ignoreUriCase: true}, {queryParams: {canary: {exact: "true"}}}, {queryParams: {debug: {}}}]
            rewrite: {uri: /}
            route: [{destination: {host: ratings, subset: v3}}]
          - match: [{uri: {regex: "/ratings/[0-9]+"}}, {method: {exact: POST}}]
            route: [{destination: {host: ratings, subset: v2}}]
          - match: [{uri: {exact: /health}}]
            directResponse: {status: 418, body: {string: short and stout}}
          - match: [{uri: {prefix: /old/}}]
            redirect: {uri: /ratings/7}
          - match: [{withoutHeaders: {x-no-default: {}}}]
            route: [{destination: {host: ratings, subset: v1}}]
        """.formatted(v1.port(), v2.port(), v3.port());
  }
}
