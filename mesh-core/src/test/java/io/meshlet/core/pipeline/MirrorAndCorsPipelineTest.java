package io.meshlet.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.MeshTesting;
import io.meshlet.core.routing.CompiledCors;
import io.meshlet.core.security.DescribedInboundRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mirror choice and the inbound CORS step, as the pipeline decides them for every adapter. */
class MirrorAndCorsPipelineTest {
  private static final String SERVICES = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}]
        endpoints:
        - {address: 10.0.0.1, labels: {version: v1}}
        - {address: 10.0.0.3, labels: {version: v3}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v3, labels: {version: v3}}
      ---
      """;

  @TempDir Path dir;
  Mesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  private Mesh mesh(String virtualService, int maxMirrors, String workload) {
    Path file = MeshTesting.write(dir.resolve("mesh.yaml"), SERVICES + virtualService);
    mesh = MeshTesting.mesh(file).workload(workload).labels(Map.of("app", workload))
        .maxMirrorsInFlight(maxMirrors).random(new Random(7)).build();
    return mesh;
  }

  private static final String MIRRORED = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews, subset: v1}}]
          mirrors:
          - destination: {host: reviews, subset: v3}
            percentage: {value: 10}
          - destination: {host: reviews, subset: v1}
      """;

  @Test
  void mirrorsAreDrawnWithTheMeshsRandomSourceAndSentToTheSubsetWithTheShadowHost() {
    MeshPipeline pipeline = mesh(MIRRORED, 100_000, "productpage").pipeline();
    int v3 = 0;
    int v1 = 0;
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      OutboundCall call = (OutboundCall) pipeline.outbound(MeshTesting.get("http://reviews:9080/r"), null);
      for (Mirror m : call.mirrors()) {
        assertThat(m.authority()).isEqualTo("reviews-shadow:9080");
        assertThat(m.path()).isEqualTo("/r");
        if (m.cluster().subset().equals("v3")) {
          assertThat(m.endpoint().address()).isEqualTo("10.0.0.3");
          v3++;
        } else {
          assertThat(m.endpoint().address()).isEqualTo("10.0.0.1");
          v1++;
        }
        m.done();
      }
      call.end();
    }
    // 10 % of 10,000: the binomial's standard deviation is 30, so ±150 is five of them.
    assertThat(v3).isBetween(850, 1150);
    assertThat(v1).isEqualTo(n);
    assertThat(pipeline.mirrors().inFlight()).isZero();
    assertThat(pipeline.mirrors().sent()).isEqualTo(v3 + v1);
  }

  @Test
  void theBoundDropsAndCountsMirrorsUntilOneIsDone() {
    MeshPipeline pipeline = mesh(MIRRORED, 3, "productpage").pipeline();
    List<Mirror> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.addAll(((OutboundCall) pipeline.outbound(MeshTesting.get("http://reviews:9080/"), null)).mirrors());
    }
    assertThat(held).hasSize(3);
    assertThat(pipeline.mirrors().inFlight()).isEqualTo(3);
    assertThat(pipeline.mirrors().dropped()).isGreaterThanOrEqualTo(2);
    held.get(0).done();
    held.get(0).done(); // idempotent
    assertThat(pipeline.mirrors().inFlight()).isEqualTo(2);
    assertThat(((OutboundCall) pipeline.outbound(MeshTesting.get("http://reviews:9080/"), null)).mirrors())
        .hasSizeBetween(1, 2);
    assertThat(pipeline.mirrors().inFlight()).isEqualTo(3);
  }

  @Test
  void aMirrorInFlightIsAnActiveRequestOfItsEndpointUntilItIsOver() {
    MeshPipeline pipeline = mesh(MIRRORED, 64, "productpage").pipeline();
    List<Mirror> held = new ArrayList<>();
    for (int i = 0; i < 20 && held.isEmpty(); i++) {
      held.addAll(((OutboundCall) pipeline.outbound(MeshTesting.get("http://reviews:9080/"), null)).mirrors());
    }
    assertThat(held).isNotEmpty();
    Mirror m = held.get(0);
    int active = m.endpoint().activeRequests();
    assertThat(active).isPositive();
    m.done();
    m.done(); // idempotent
    assertThat(m.endpoint().activeRequests()).isEqualTo(active - 1);
    held.subList(1, held.size()).forEach(Mirror::skip);
  }

  @Test
  void shadowAuthorityIsEnvoysRule() {
    assertThat(Mirror.shadowAuthority("reviews:9080")).isEqualTo("reviews-shadow:9080");
    assertThat(Mirror.shadowAuthority("reviews")).isEqualTo("reviews-shadow");
    assertThat(Mirror.shadowAuthority("[::1]:80")).isEqualTo("[::1]-shadow:80");
  }

  @Test
  void explainShowsTheMirrors() {
    Mesh m = mesh(MIRRORED, 10, "productpage");
    assertThat(m.explain(MeshTesting.get("http://reviews:9080/")).actions()).contains(
        "mirror 10.0% to outbound|9080|v3|reviews.default.svc.cluster.local,"
            + " Host reviews-shadow:9080, fire and forget");
  }

  private static final String CORS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - match: [{uri: {prefix: /api}}]
          route: [{destination: {host: reviews, subset: v1}}]
          corsPolicy:
            allowOrigins: [{exact: "https://a.example"}, {regex: "https://.*\\\\.b\\\\.example"}]
            allowMethods: [GET, POST]
            allowHeaders: [x-token]
            exposeHeaders: [x-trace]
            maxAge: 1h
            allowCredentials: true
            unmatchedPreflights: IGNORE
        - route: [{destination: {host: reviews, subset: v1}}]
      """;

  private static DescribedInboundRequest inbound(String method, String path, String... headers) {
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], headers[i + 1]);
    }
    return new DescribedInboundRequest(null, false, "10.0.0.9", 9080, "localhost", method, path, h);
  }

  @Test
  void theServerSideAnswersPreflightsOfItsOwnServicesRule() {
    MeshPipeline pipeline = mesh(CORS, 10, "reviews").pipeline();
    InboundVerdict preflight = pipeline.inbound(inbound("OPTIONS", "/api/x", "origin", "https://q.b.example",
        "access-control-request-method", "POST", "access-control-request-headers", "x-token"), null);
    assertThat(preflight.reply()).isNotNull();
    assertThat(preflight.reply().status()).isEqualTo(200);
    assertThat(preflight.reply().headers()).containsExactlyInAnyOrderEntriesOf(Map.of(
        CompiledCors.ALLOW_ORIGIN, "https://q.b.example", CompiledCors.ALLOW_CREDENTIALS, "true",
        CompiledCors.ALLOW_METHODS, "GET,POST", CompiledCors.ALLOW_HEADERS, "x-token", CompiledCors.MAX_AGE, "3600"));

    InboundVerdict actual = pipeline.inbound(inbound("GET", "/api/x", "origin", "https://a.example"), null);
    assertThat(actual.allowed()).isTrue();
    assertThat(actual.responseHeaders()).containsExactlyInAnyOrderEntriesOf(Map.of(
        CompiledCors.ALLOW_ORIGIN, "https://a.example", CompiledCors.ALLOW_CREDENTIALS, "true",
        CompiledCors.EXPOSE_HEADERS, "x-trace"));

    InboundVerdict ignored = pipeline.inbound(inbound("OPTIONS", "/api/x", "origin", "https://evil.example",
        "access-control-request-method", "POST"), null);
    assertThat(ignored.reply().status()).isEqualTo(200);
    assertThat(ignored.reply().headers()).isEmpty();

    // Not a CORS request, another rule, another origin on an actual request: untouched.
    assertThat(pipeline.inbound(inbound("GET", "/api/x"), null).responseHeaders()).isEmpty();
    assertThat(pipeline.inbound(inbound("GET", "/other", "origin", "https://a.example"), null).responseHeaders()).isEmpty();
    assertThat(pipeline.inbound(inbound("GET", "/api/x", "origin", "https://evil.example"), null).responseHeaders()).isEmpty();
  }

  @Test
  void anotherWorkloadDoesNotApplyTheServicesCorsPolicy() {
    MeshPipeline pipeline = mesh(CORS, 10, "productpage").pipeline();
    assertThat(pipeline.inbound(inbound("OPTIONS", "/api/x", "origin", "https://a.example",
        "access-control-request-method", "POST"), null).allowed()).isTrue();
  }

  @Test
  void aStarOriginAllowsEveryOriginAndStarMethodsEchoTheRequest() {
    MeshPipeline pipeline = mesh(CORS.replace("[{exact: \"https://a.example\"}, {regex: \"https://.*\\\\.b\\\\.example\"}]",
        "[{exact: \"*\"}]").replace("[GET, POST]", "[\"*\"]").replace("[x-token]", "[\"*\"]"), 10, "reviews").pipeline();
    InboundVerdict preflight = pipeline.inbound(inbound("OPTIONS", "/api", "origin", "https://any.example",
        "access-control-request-method", "PUT", "access-control-request-headers", "x-a,x-b"), null);
    assertThat(preflight.reply().headers()).containsEntry(CompiledCors.ALLOW_ORIGIN, "https://any.example")
        .containsEntry(CompiledCors.ALLOW_METHODS, "PUT").containsEntry(CompiledCors.ALLOW_HEADERS, "x-a,x-b");
  }

}
