package io.meshlet.core.routing;

import static io.meshlet.core.MeshTesting.get;
import static io.meshlet.core.MeshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.OutboundTrafficPolicy;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.explain.Explanation.Outcome;
import io.meshlet.core.pipeline.CallFailure;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.pipeline.Routed;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A workload's Sidecar limits what its mesh compiles; its outboundTrafficPolicy overrides the builder's. */
class SidecarScopeTest {
  @TempDir Path dir;

  static String services() {
    StringBuilder b = new StringBuilder();
    for (String ns : new String[] {"default", "prod"}) {
      for (String name : new String[] {"reviews", "ratings"}) {
        b.append("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: %s, namespace: %s}
            spec:
              hosts: [%s]
              resolution: STATIC
              ports: [{number: 9080, name: http, protocol: HTTP}]
              endpoints: [{address: 10.0.0.1}]
            ---
            """.formatted(name, ns, name));
      }
    }
    return b.toString();
  }

  static final String SIDECAR = """
      apiVersion: networking.istio.io/v1
      kind: Sidecar
      metadata: {name: %s, namespace: %s}
      spec:
      %s
      ---
      """;

  private static java.util.List<String> names(Mesh m) {
    return m.routeTable().clusters().stream().map(Cluster::name).toList();
  }

  private Mesh mesh(String sidecars, OutboundTrafficPolicy policy) {
    Path file = write(dir.resolve("mesh.yaml"), services() + sidecars);
    return Mesh.builder().workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configFile(file).outboundTrafficPolicy(policy).build();
  }

  @Test
  void withoutSidecarEveryServiceIsCompiled() {
    try (Mesh m = mesh("", OutboundTrafficPolicy.ALLOW_ANY)) {
      assertThat(m.routeTable().clusters()).hasSize(4);
    }
  }

  @Test
  void aNamespaceDefaultKeepsOnlyItsEgressHosts() {
    try (Mesh m = mesh(SIDECAR.formatted("default", "default", "  egress: [{hosts: [\"./*\"]}]"), OutboundTrafficPolicy.ALLOW_ANY)) {
      assertThat(names(m)).containsExactlyInAnyOrder(
          "outbound|9080||reviews.default.svc.cluster.local", "outbound|9080||ratings.default.svc.cluster.local");
      assertThat(m.routeTable().lookup("reviews.prod.svc.cluster.local")).isNull();
      Explanation e = m.explain(get("http://reviews.prod:9080/"));
      assertThat(e.outcome()).isEqualTo(Outcome.PASSTHROUGH);
      assertThat(e.hostResolution()).isEqualTo("'reviews.prod' is out of the scope of Sidecar default/default "
          + "(ServiceEntry prod/reviews defines it; egress hosts [default/*]): unknown to the mesh");
    }
  }

  @Test
  void precedenceWorkloadSelectorThenNamespaceThenRoot() {
    String root = SIDECAR.formatted("root", "istio-system", "  egress: [{hosts: [\"prod/*\"]}]");
    String namespace = SIDECAR.formatted("ns", "default", "  egress: [{hosts: [\"./reviews\"]}]");
    String workload = SIDECAR.formatted("pp", "default",
        "  workloadSelector: {labels: {app: productpage}}\n  egress: [{hosts: [\"prod/ratings.prod.svc.cluster.local\"]}]");
    String other = SIDECAR.formatted("other", "default",
        "  workloadSelector: {labels: {app: details}}\n  egress: [{hosts: [\"~/*\"]}]");
    try (Mesh m = mesh(root, OutboundTrafficPolicy.ALLOW_ANY)) {
      assertThat(names(m)).containsExactlyInAnyOrder(
          "outbound|9080||reviews.prod.svc.cluster.local", "outbound|9080||ratings.prod.svc.cluster.local");
    }
    try (Mesh m = mesh(root + namespace + other, OutboundTrafficPolicy.ALLOW_ANY)) {
      assertThat(names(m)).containsExactly("outbound|9080||reviews.default.svc.cluster.local");
      assertThat(m.routeTable().sidecar().id().name()).isEqualTo("ns");
    }
    try (Mesh m = mesh(root + namespace + workload, OutboundTrafficPolicy.ALLOW_ANY)) {
      assertThat(names(m)).containsExactly("outbound|9080||ratings.prod.svc.cluster.local");
    }
  }

  @Test
  void theSidecarsOutboundTrafficPolicyOverridesTheBuilders() {
    String registryOnly = SIDECAR.formatted("default", "default",
        "  egress: [{hosts: [\"./*\"]}]\n  outboundTrafficPolicy: {mode: REGISTRY_ONLY}");
    try (Mesh m = mesh(registryOnly, OutboundTrafficPolicy.ALLOW_ANY)) {
      Routed r = m.pipeline().outbound(get("http://reviews.prod:9080/"), null);
      assertThat(r).isInstanceOfSatisfying(CallFailure.class, f -> {
        assertThat(f.flag()).isEqualTo(ResponseFlag.BLOCKED);
        assertThat(f.message()).startsWith("BlackHoleCluster: reviews.prod is not known to the mesh");
      });
      assertThat(m.explain(get("http://reviews.prod:9080/")).outcome()).isEqualTo(Outcome.BLOCKED);
    }
    String allowAny = SIDECAR.formatted("default", "default", "  outboundTrafficPolicy: {mode: ALLOW_ANY}");
    try (Mesh m = mesh(allowAny, OutboundTrafficPolicy.REGISTRY_ONLY)) {
      assertThat(m.pipeline().outbound(get("http://elsewhere:80/"), null).kind()).isEqualTo(Routed.Kind.PASSTHROUGH);
      assertThat(m.routeTable().clusters()).hasSize(4);
    }
  }
}
