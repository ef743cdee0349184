package io.meshlet.core.explain;

import static io.meshlet.core.MeshTesting.get;
import static io.meshlet.core.MeshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.ResourceId;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two VirtualServices of one name in two namespaces: explain gives each only its own warnings
 * (a warning is about a resource by kind, namespace and name, not kind and name alone).
 */
class ExplainWarningsByNamespaceTest {
  @TempDir Path dir;

  private static final String YAML = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews.default.svc.cluster.local]
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}]
        endpoints: [{address: 127.0.0.1}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews.default.svc.cluster.local]
        http:
        - route: [{destination: {host: reviews.default.svc.cluster.local}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: other}
      spec:
        hosts: [reviews.other.svc.cluster.local]
        http:
        - route: [{destination: {host: nowhere.other.svc.cluster.local}}]
      """;

  @Test
  void aWarningAboutOneNamespacesVirtualServiceIsNotShownForTheOther() {
    try (Mesh mesh = Mesh.builder().workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configFile(write(dir.resolve("mesh.yaml"), YAML)).random(new Random(1)).build()) {
      ConfigProblem other = mesh.snapshot().warnings().stream()
          .filter(p -> p.message().contains("nowhere.other.svc.cluster.local has no ServiceEntry")).findFirst().orElseThrow();
      assertThat(other.namespace()).isEqualTo("other");
      assertThat(other.isAbout(new ResourceId("VirtualService", "other", "reviews"))).isTrue();
      assertThat(other.isAbout(new ResourceId("VirtualService", "default", "reviews"))).isFalse();

      Explanation clean = mesh.explain(get("http://reviews:9080/reviews/1"));
      assertThat(clean.virtualService()).isEqualTo(new ResourceId("VirtualService", "default", "reviews"));
      assertThat(clean.notes()).noneMatch(n -> n.contains("nowhere"));

      Explanation broken = mesh.explain(get("http://reviews.other.svc.cluster.local:9080/reviews/1"));
      assertThat(broken.virtualService()).isEqualTo(new ResourceId("VirtualService", "other", "reviews"));
      assertThat(broken.notes()).anyMatch(n -> n.contains("nowhere.other.svc.cluster.local has no ServiceEntry"));
    }
  }

  @Test
  void aParseWarningCarriesTheNamespaceOfItsResource() {
    try (Mesh mesh = Mesh.builder().workload("productpage").namespace("default")
        .configFile(write(dir.resolve("mesh.yaml"), YAML.replace("- route: [{destination: {host: nowhere",
            "- websocketUpgrade: true\n    route: [{destination: {host: nowhere"))).random(new Random(1)).build()) {
      assertThat(mesh.snapshot().warnings()).filteredOn(p -> p.path().equals("http[0].websocketUpgrade"))
          .extracting(ConfigProblem::namespace).containsExactly("other");
    }
  }
}
