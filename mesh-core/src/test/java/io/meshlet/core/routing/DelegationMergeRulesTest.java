package io.meshlet.core.routing;

import static io.meshlet.core.MeshTesting.get;
import static io.meshlet.core.MeshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.ConfigLimits;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.VirtualService;
import io.meshlet.core.resilience.RoutePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two details of Istio's merge ({@code mergeHTTPRoute}): a delegate rule's explicit {@code timeout: 0s}
 * is kept ("no timeout") rather than taking the root rule's; and the merged rules of a root are held
 * to the limit of rules per VirtualService.
 */
class DelegationMergeRulesTest {
  @TempDir Path dir;

  private static final String TIMEOUTS = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}]
        endpoints: [{address: 10.0.0.1}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - match: [{uri: {prefix: /api}}]
          timeout: 3s
          delegate: {name: reviews-api}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews-api}
      spec:
        http:
        - match: [{uri: {prefix: /api/stream}}]
          timeout: 0s
          route: [{destination: {host: reviews}}]
        - route: [{destination: {host: reviews}}]
      """;

  @Test
  void anExplicitZeroTimeoutOnADelegateRuleIsKeptAndAnUnsetOneTakesTheRoots() {
    MeshConfig config = IstioYaml.parse("test", "mesh.yaml", TIMEOUTS, "default").config();
    VirtualService root = root(VirtualServiceDelegation.resolve(config).config());
    HttpRoute stream = root.http().get(0);
    HttpRoute rest = root.http().get(1);
    assertThat(stream.timeout()).isEqualTo(Duration.ZERO);
    assertThat(RoutePolicy.of(stream).timeout()).as("0s: no timeout").isNull();
    assertThat(rest.timeout()).isEqualTo(Duration.ofSeconds(3));

    try (Mesh mesh = Mesh.builder().workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configFile(write(dir.resolve("mesh.yaml"), TIMEOUTS)).random(new Random(1)).build()) {
      assertThat(mesh.explain(get("http://reviews:9080/api/stream/1")).policies())
          .noneSatisfy(p -> assertThat(p).contains("timeout 3s"));
      assertThat(mesh.explain(get("http://reviews:9080/api/1")).policies())
          .anySatisfy(p -> assertThat(p).startsWith("route: ").contains("timeout 3s"));
    }
  }

  @Test
  void mergedRulesBeyondTheLimitAreLeftOutWithAWarningOnTheRoot() {
    int perDelegate = ConfigLimits.MAX_HTTP_RULES / 2 + 1;
    StringBuilder delegate = new StringBuilder("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: many}
        spec:
          http:
        """);
    for (int i = 0; i < perDelegate; i++) {
      delegate.append("  - match: [{uri: {exact: /r").append(i).append("}}]\n")
          .append("    route: [{destination: {host: reviews}}]\n");
    }
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{headers: {x-a: {exact: "1"}}}]
            delegate: {name: many}
          - match: [{headers: {x-b: {exact: "1"}}}]
            delegate: {name: many}
        ---
        """ + delegate;
    IstioYaml.ParseResult parsed = IstioYaml.parse("test", "mesh.yaml", yaml, "default");
    assertThat(ConfigProblem.errors(parsed.problems())).isEmpty();
    VirtualServiceDelegation.Resolved resolved = VirtualServiceDelegation.resolve(parsed.config());

    VirtualService root = root(resolved.config());
    assertThat(root.http()).hasSize(ConfigLimits.MAX_HTTP_RULES);
    ResourceId rootId = new ResourceId("VirtualService", "default", "reviews");
    assertThat(resolved.sourceRule(rootId, ConfigLimits.MAX_HTTP_RULES - 1)).isEqualTo(1);
    assertThat(resolved.warnings()).filteredOn(w -> w.isAbout(rootId) && w.path().equals("http"))
        .extracting(ConfigProblem::message).containsExactly((2 * perDelegate) + " rules (expected: at most "
            + ConfigLimits.MAX_HTTP_RULES + ") once its delegates are merged; the merged rules after the first "
            + ConfigLimits.MAX_HTTP_RULES + " are left out (requests only they would match get no route)");
  }

  private static VirtualService root(MeshConfig config) {
    return config.virtualServices().stream().filter(v -> v.id().name().equals("reviews")).findFirst().orElseThrow();
  }
}
