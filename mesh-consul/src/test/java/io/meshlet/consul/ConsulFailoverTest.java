package io.meshlet.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshlet.consul.ConsulStub.Instance;
import io.meshlet.core.Mesh;
import io.meshlet.http.MeshInterceptor;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A service-resolver's {@code Failover}: the service's own healthy instances take every call; when
 * none is left, the first failover target's do (another service in this datacenter, or the same
 * service in another datacenter read with {@code ?dc=}); when the own come back, traffic returns.
 */
class ConsulFailoverTest {
  private final ConsulStub consul = new ConsulStub();
  private final Backend local = new Backend("local");
  private final Backend backup = new Backend("backup");
  private final Backend dc2 = new Backend("dc2");
  private final Backend dc3 = new Backend("dc3");
  private Mesh mesh;
  private OkHttpClient client;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    consul.close();
    local.close();
    backup.close();
    dc2.close();
    dc3.close();
  }

  private void start(String resolver, String... services) {
    consul.configEntries("service-resolver", 5, resolver);
    consul.configEntries("service-splitter", 6);
    consul.configEntries("service-router", 7);
    mesh = Mesh.builder().workload("productpage")
        .configSource(ConsulSource.builder().address(consul.address()).services(services).configEntries(true)
            .blockingWait(Duration.ofSeconds(2)).backoff(Duration.ofMillis(20), Duration.ofMillis(100)).build())
        .build();
    client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
  }

  private String call() throws IOException {
    try (Response r = client.newCall(new Request.Builder().url("http://reviews.service.consul/reviews/1").build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  private Map<String, Integer> calls(int n) throws IOException {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < n; i++) {
      seen.merge(call(), 1, Integer::sum);
    }
    return seen;
  }

  @Test
  void toAnotherServiceWhileTheServiceHasNoHealthyInstanceAndBackAgain() throws IOException {
    consul.health("reviews", 10, List.of(Instance.passing("reviews-1", local.port(), Map.of("version", "v1"))));
    consul.health("reviews-backup", 20, List.of(Instance.passing("backup-1", backup.port(), Map.of("version", "v1"))));
    start("""
        {"Kind":"service-resolver","Name":"reviews","Failover":{"*":{"Service":"reviews-backup"}}}""",
        "reviews", "reviews-backup");

    await().untilAsserted(() -> assertThat(calls(10)).containsOnly(Map.entry("200 local", 10)));

    consul.health("reviews", 11, List.of()); // the only instance went critical: passing-only leaves none
    await().untilAsserted(() -> assertThat(calls(10)).containsOnly(Map.entry("200 backup", 10)));

    consul.health("reviews", 12, List.of(Instance.passing("reviews-1", local.port(), Map.of("version", "v1"))));
    await().untilAsserted(() -> assertThat(calls(10)).containsOnly(Map.entry("200 local", 10)));
    assertThat(mesh.snapshot().warnings()).isEmpty();
  }

  @Test
  void toTheSameServiceInOtherDatacentersInOrder() throws IOException {
    consul.health("reviews", 10, List.of(Instance.passing("reviews-1", local.port(), Map.of())));
    consul.health("reviews", "dc2", 30, List.of(Instance.passing("reviews-dc2", dc2.port(), Map.of())));
    consul.health("reviews", "dc3", 40, List.of(Instance.passing("reviews-dc3", dc3.port(), Map.of())));
    start("""
        {"Kind":"service-resolver","Name":"reviews","Failover":{"*":{"Datacenters":["dc2","dc3"]}}}""", "reviews");

    await().untilAsserted(() -> assertThat(calls(10)).containsOnly(Map.entry("200 local", 10)));
    await().untilAsserted(() -> assertThat(consul.queries("/v1/health/service/reviews")).anyMatch(q -> q.contains("dc=dc3")));

    consul.health("reviews", 11, List.of());
    await().untilAsserted(() -> assertThat(calls(10)).containsOnly(Map.entry("200 dc2", 10)));

    consul.health("reviews", "dc2", 31, List.of());
    await().untilAsserted(() -> assertThat(calls(10)).containsOnly(Map.entry("200 dc3", 10)));
    assertThat(mesh.configDump().values()).anyMatch(lines -> lines.stream().anyMatch(l -> l.contains("reviews@dc3 (failover)")));
  }

  @Test
  void targetsWithASubsetTakeOnlyThatSubsetsInstances() throws IOException {
    Backend backupV2 = new Backend("backup-v2");
    try {
      consul.health("reviews", 10, List.of());
      consul.health("reviews-backup", 20, List.of(
          Instance.passing("backup-1", backup.port(), Map.of("version", "v1")),
          Instance.passing("backup-2", backupV2.port(), Map.of("version", "v2"))));
      consul.configEntries("service-resolver", 5, """
          {"Kind":"service-resolver","Name":"reviews","Failover":{"*":{"Targets":[{"Service":"reviews-backup","ServiceSubset":"v2"}]}}}""",
          """
          {"Kind":"service-resolver","Name":"reviews-backup","Subsets":{"v2":{"Filter":"Service.Meta.version == v2"}}}""");
      consul.configEntries("service-splitter", 6);
      consul.configEntries("service-router", 7);
      mesh = Mesh.builder().workload("productpage")
          .configSource(ConsulSource.builder().address(consul.address()).services("reviews", "reviews-backup")
              .configEntries(true).blockingWait(Duration.ofSeconds(2)).backoff(Duration.ofMillis(20), Duration.ofMillis(100))
              .build())
          .build();
      client = new OkHttpClient.Builder().addInterceptor(MeshInterceptor.of(mesh)).build();
      await().untilAsserted(() -> assertThat(calls(10)).containsOnly(Map.entry("200 backup-v2", 10)));
    } finally {
      backupV2.close();
    }
  }
}
