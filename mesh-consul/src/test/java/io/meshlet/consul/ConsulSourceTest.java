package io.meshlet.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meshlet.consul.ConsulStub.Instance;
import io.meshlet.core.Mesh;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.routing.Cluster;
import io.meshlet.core.snapshot.SourceStatus;
import io.meshlet.http.MeshInterceptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoints from a Consul agent (WireMock, answering as Consul documents), routed by Istio YAML from a file. */
class ConsulSourceTest {
  private static final String ISTIO = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: default}
      spec:
        host: reviews.service.consul
        trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews.service.consul]
        http:
        - match: [{headers: {end-user: {exact: jason}}}]
          route: [{destination: {host: reviews.service.consul, subset: v2}}]
        - route: [{destination: {host: reviews.service.consul, subset: v1}}]
      """;

  @TempDir Path dir;
  private final ConsulStub consul = new ConsulStub();
  private final Backend v1 = new Backend("v1");
  private final Backend v1b = new Backend("v1b");
  private final Backend v2 = new Backend("v2");
  private Mesh mesh;
  private OkHttpClient client;

  @BeforeEach
  void start() throws IOException {
    // Meta version (v1) and a tag of the form k=v (v2) both become the label version.
    consul.health("reviews", 10, List.of(
        Instance.passing("reviews-1", v1.port(), Map.of("version", "v1")),
        Instance.passing("reviews-2", v2.port(), Map.of(), "version=v2", "canary")));
    Files.writeString(dir.resolve("mesh.yaml"), ISTIO);
  }

  private void startMesh(ConsulSource.Builder source) {
    mesh = Mesh.builder().workload("productpage").configFile(dir.resolve("mesh.yaml"))
        .configSource(source.build()).build();
    client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
  }

  private ConsulSource.Builder source() {
    return ConsulSource.builder().address(consul.address()).services("reviews").blockingWait(Duration.ofSeconds(2))
        .backoff(Duration.ofMillis(20), Duration.ofMillis(100)).random(new java.util.Random(1));
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    consul.close();
    v1.close();
    v1b.close();
    v2.close();
  }

  private String call(String url, String user) throws IOException {
    Request.Builder b = new Request.Builder().url(url);
    if (user != null) {
      b.header("end-user", user);
    }
    try (Response r = client.newCall(b.build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  private List<String> endpoints(String subset) {
    for (Cluster c : mesh.routeTable().clusters()) {
      if (c.host().equals("reviews.service.consul") && java.util.Objects.equals(c.subset(), subset)) {
        return c.endpoints().stream().map(e -> e.hostPort()).toList();
      }
    }
    throw new AssertionError("no cluster for subset " + subset);
  }

  @Test
  void istioYamlRoutesToEndpointsFromConsul() throws IOException {
    startMesh(source());

    assertThat(call("http://reviews.service.consul/reviews/1", null)).isEqualTo("200 v1");
    assertThat(call("http://reviews.service.consul/reviews/1", "jason")).isEqualTo("200 v2");
    ServiceEntry se = mesh.snapshot().config().serviceEntries().get(0);
    assertThat(se.id()).isEqualTo(new ResourceId("ServiceEntry", "default", "consul-reviews"));
    assertThat(mesh.snapshot().origin(se.id()).orElseThrow().source()).isEqualTo("consul:" + consul.address().getAuthority());
    assertThat(mesh.snapshot().origin(new ResourceId("VirtualService", "default", "reviews")).orElseThrow().source())
        .startsWith("file:");
    assertThat(se.endpoints().stream().filter(e -> e.ports().get("http") == v2.port()).findFirst().orElseThrow().labels())
        .containsEntry("version", "v2").containsEntry("tags.consul.io/canary", "true")
        .containsEntry("tags.consul.io/version=v2", "true");
    assertThat(mesh.sources()).extracting(SourceStatus::state).containsOnly(SourceStatus.State.ACTIVE);
  }

  @Test
  void theBuilderShortcutFindsTheConsulSourceWithConsulsDefaults() throws IOException {
    mesh = Mesh.builder().workload("productpage").namespace("shop").configFile(dir.resolve("mesh.yaml"))
        .consul(consul.address(), "reviews").build();
    client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();

    assertThat(call("http://reviews.service.consul/reviews/1", "jason")).isEqualTo("200 v2");
    assertThat(mesh.snapshot().config().serviceEntries()).extracting(se -> se.id().toString())
        .contains(new ResourceId("ServiceEntry", "shop", "consul-reviews").toString());
    assertThat(mesh.sources()).extracting(SourceStatus::name).contains("consul:" + consul.address().getAuthority());
  }

  @Test
  void blockingQueriesFollowTheIndexAndAnInstanceGoingCriticalLeaves() throws IOException {
    startMesh(source());
    assertThat(endpoints("v1")).hasSize(1);
    await().untilAsserted(() -> assertThat(consul.queries("/v1/health/service/reviews")).hasSizeGreaterThanOrEqualTo(2));
    List<String> queries = consul.queries("/v1/health/service/reviews");
    assertThat(queries.get(0)).contains("index=0").contains("passing").contains("wait=2s");
    assertThat(queries.get(1)).contains("index=10").contains("wait=2s");

    // A second v1 instance registers: index 11.
    consul.health("reviews", 11, List.of(
        Instance.passing("reviews-1", v1.port(), Map.of("version", "v1")),
        Instance.passing("reviews-3", v1b.port(), Map.of("version", "v1")),
        Instance.passing("reviews-2", v2.port(), Map.of(), "version=v2")));
    await().untilAsserted(() -> assertThat(endpoints("v1")).hasSize(2));
    assertThat(List.of(call("http://reviews.service.consul/", null), call("http://reviews.service.consul/", null)))
        .containsExactlyInAnyOrder("200 v1", "200 v1b");

    // v2's check goes critical: Consul's passing filter drops it at index 12.
    consul.health("reviews", 12, List.of(
        Instance.passing("reviews-1", v1.port(), Map.of("version", "v1")),
        Instance.passing("reviews-3", v1b.port(), Map.of("version", "v1"))));
    await().untilAsserted(() -> assertThat(endpoints("v2")).isEmpty());
    assertThatThrownBy(() -> call("http://reviews.service.consul/", "jason")).isInstanceOf(IOException.class)
        .hasMessageContaining("no endpoint for reviews.service.consul subset v2");
    assertThat(mesh.sources().get(1).version()).isEqualTo("reviews@12");
    await().untilAsserted(() -> assertThat(consul.queries("/v1/health/service/reviews")).anyMatch(q -> q.contains("index=12")));
  }

  @Test
  void anIndexThatGoesBackwardsIsResetAndTheStateReadAgain() {
    startMesh(source());
    await().untilAsserted(() -> assertThat(consul.queries("/v1/health/service/reviews")).anyMatch(q -> q.contains("index=10")));

    // The agent restarted from a snapshot: its index is now lower than the one we hold.
    consul.health("reviews", 4, List.of(Instance.passing("reviews-3", v1b.port(), Map.of("version", "v1"))));
    await().untilAsserted(() -> assertThat(endpoints("v1")).containsExactly("127.0.0.1:" + v1b.port()));
    await().untilAsserted(() -> {
      List<String> q = consul.queries("/v1/health/service/reviews");
      int back = -1;
      for (int i = 0; i < q.size(); i++) {
        if (q.get(i).contains("index=10")) {
          back = i;
        }
      }
      // After the answer with index 4: a non-blocking read from 0, then blocking at 4.
      assertThat(q.subList(back + 1, q.size())).extracting(s -> s.replaceAll(".*index=(\\d+).*", "$1"))
          .startsWith("0", "4");
    });
  }

  @Test
  void withPassingOnlyOffWarningInstancesStayAndCriticalOnesLeave() {
    consul.health("reviews", 20, List.of(
        Instance.passing("reviews-1", v1.port(), Map.of("version", "v1")),
        new Instance("reviews-3", "127.0.0.1", v1b.port(), List.of(), Map.of("version", "v1"), "warning"),
        new Instance("reviews-2", "127.0.0.1", v2.port(), List.of(), Map.of("version", "v2"), "critical")));
    startMesh(source().passingOnly(false));

    assertThat(endpoints("v1")).hasSize(2);
    assertThat(endpoints("v2")).isEmpty();
    assertThat(consul.queries("/v1/health/service/reviews").get(0)).doesNotContain("passing");
  }

  @Test
  void agentOutageKeepsTheLastGoodEndpointsAndRecovers() throws IOException {
    startMesh(source());
    assertThat(call("http://reviews.service.consul/", null)).isEqualTo("200 v1");

    consul.failing(500, "rpc error making call: No cluster leader");
    await().untilAsserted(() -> assertThat(mesh.sources().get(1).state()).isEqualTo(SourceStatus.State.FAILED));
    assertThat(mesh.sources().get(1).message()).contains("reviews").contains("500");
    // The last good endpoints keep routing, through real calls.
    assertThat(call("http://reviews.service.consul/", null)).isEqualTo("200 v1");
    assertThat(call("http://reviews.service.consul/", "jason")).isEqualTo("200 v2");
    // Retried with backoff, from index 0.
    await().untilAsserted(() -> assertThat(consul.queries("/v1/health/service/reviews")).hasSizeGreaterThanOrEqualTo(3));
    List<String> retries = consul.queries("/v1/health/service/reviews");
    assertThat(retries.subList(retries.size() - 2, retries.size())).allMatch(q -> q.contains("index=0"));

    consul.health("reviews", 3, List.of(Instance.passing("reviews-3", v1b.port(), Map.of("version", "v1"))));
    await().untilAsserted(() -> assertThat(mesh.sources().get(1).state()).isEqualTo(SourceStatus.State.ACTIVE));
    assertThat(call("http://reviews.service.consul/", null)).isEqualTo("200 v1b");
    assertThat(mesh.sources().get(1).version()).isEqualTo("reviews@3");
  }

  @Test
  void allServicesFollowsTheCatalog() {
    consul.catalog(3, "consul", "reviews");
    consul.health("consul", 1, List.of());
    startMesh(ConsulSource.builder().address(consul.address()).allServices().blockingWait(Duration.ofSeconds(2))
        .backoff(Duration.ofMillis(20), Duration.ofMillis(100)));
    assertThat(mesh.snapshot().config().serviceEntries()).extracting(se -> se.id().name())
        .containsExactly("consul-consul", "consul-reviews");

    consul.health("ratings", 1, List.of(Instance.passing("ratings-1", v1b.port(), Map.of())));
    consul.catalog(4, "consul", "ratings", "web_frontend");
    await().untilAsserted(() -> assertThat(mesh.snapshot().config().serviceEntries()).extracting(se -> se.id().name())
        .containsExactly("consul-consul", "consul-ratings"));
    assertThat(consul.queries("/v1/catalog/services").get(0)).contains("index=0");
  }

  @Test
  void theAclTokenAndDatacenterGoWithEveryQuery() {
    startMesh(source().token("s3cr3t").datacenter("dc2"));

    var requests = consul.server.getAllServeEvents();
    assertThat(requests).isNotEmpty().allSatisfy(e -> {
      assertThat(e.getRequest().getHeader("X-Consul-Token")).isEqualTo("s3cr3t");
      assertThat(e.getRequest().getUrl()).contains("dc=dc2");
    });
  }

  @Test
  void theKubernetesHostFormAnswersToTheShortNameAndIstioYamlForKubernetes() throws IOException {
    Files.writeString(dir.resolve("mesh.yaml"), ISTIO.replace("reviews.service.consul", "reviews"));
    startMesh(source().hostForms(HostForm.KUBERNETES, HostForm.CONSUL));

    assertThat(call("http://reviews/", "jason")).isEqualTo("200 v2");
    assertThat(call("http://reviews.default.svc.cluster.local:9080/", null)).isEqualTo("200 v1");
    assertThat(mesh.snapshot().config().serviceEntries().get(0).hosts())
        .containsExactly("reviews.default.svc.cluster.local", "reviews.service.consul");
  }
}
