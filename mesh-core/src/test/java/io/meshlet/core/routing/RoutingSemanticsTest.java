package io.meshlet.core.routing;

import static io.meshlet.core.MeshTesting.get;
import static io.meshlet.core.MeshTesting.route;
import static io.meshlet.core.MeshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.OutboundTrafficPolicy;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.explain.ExplainRequest;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.explain.Explanation.Outcome;
import io.meshlet.core.lb.Endpoint;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the compiled table means for one workload: the Istio semantics decided at compile time. */
class RoutingSemanticsTest {
  @TempDir Path dir;

  private static final String SERVICE = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: %1$s, namespace: %2$s}
      spec:
        hosts: [%1$s]
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}]
        endpoints:
        - {address: 10.0.0.1, labels: {version: v1}}
        - {address: 10.0.0.2, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: %1$s, namespace: %2$s}
      spec:
        host: %1$s
        trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      """;

  private Mesh mesh(String yaml, String namespace, Map<String, String> labels) {
    Path file = write(dir.resolve("mesh.yaml"), yaml);
    return Mesh.builder().workload("caller").namespace(namespace).labels(labels).configFile(file)
        .random(new Random(1)).build();
  }

  private Mesh mesh(String yaml) {
    return mesh(yaml, "default", Map.of("app", "productpage"));
  }

  @Test
  void sourceLabelsAndSourceNamespaceSelectTheCallingWorkload() {
    String yaml = SERVICE.formatted("reviews", "default") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{sourceLabels: {app: productpage}}]
            route: [{destination: {host: reviews, subset: v2}}]
          - match: [{sourceNamespace: prod}]
            route: [{destination: {host: reviews, subset: v1}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """;
    try (Mesh productpage = mesh(yaml, "default", Map.of("app", "productpage"))) {
      assertThat(route(productpage, get("http://reviews:9080/")).address()).isEqualTo("10.0.0.2");
    }
    try (Mesh other = mesh(yaml, "default", Map.of("app", "ratings"))) {
      assertThat(route(other, get("http://reviews:9080/")).address()).isEqualTo("10.0.0.1");
      Explanation e = other.explain(get("http://reviews:9080/"));
      assertThat(e.rules().get(0).reasons()).singleElement().asString()
          .contains("sourceLabels {app=productpage} do not select this workload");
      assertThat(e.rules().get(1).reasons()).singleElement().asString()
          .contains("sourceNamespace prod is not this workload's namespace default");
      assertThat(e.matchedRule()).isEqualTo(2);
    }
  }

  @Test
  void exportToDotHidesResourcesFromOtherNamespaces() {
    String yaml = SERVICE.formatted("reviews", "prod") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: prod}
        spec:
          hosts: [reviews]
          exportTo: ["."]
          http:
          - route: [{destination: {host: reviews, subset: v2}}]
        """;
    try (Mesh inProd = mesh(yaml, "prod", Map.of())) {
      assertThat(route(inProd, get("http://reviews:9080/")).address()).isEqualTo("10.0.0.2");
    }
    try (Mesh inDefault = mesh(yaml, "default", Map.of())) {
      // The VirtualService is not exported here; the ServiceEntry is, so round robin over both.
      assertThat(inDefault.explain(get("http://reviews.prod:9080/")).virtualService()).isNull();
      assertThat(java.util.List.of(route(inDefault, get("http://reviews.prod:9080/")).address(),
          route(inDefault, get("http://reviews.prod:9080/")).address())).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
      // A short name means this workload's namespace: reviews.default does not exist.
      assertThat(inDefault.routeTable().lookup("reviews")).isNull();
    }
  }

  @Test
  void aVirtualServiceBoundToGatewaysOnlyIsIgnoredWithAWarning() {
    String yaml = SERVICE.formatted("reviews", "default") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: edge}
        spec:
          hosts: [reviews]
          gateways: [istio-ingress/public]
          http:
          - route: [{destination: {host: reviews, subset: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: mesh-too}
        spec:
          hosts: [reviews]
          gateways: [istio-ingress/public, mesh]
          http:
          - match: [{gateways: [istio-ingress/public]}]
            route: [{destination: {host: reviews, subset: v2}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """;
    try (Mesh mesh = mesh(yaml)) {
      assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).anySatisfy(w -> assertThat(w)
          .startsWith("VirtualService edge (").endsWith("gateways: [istio-ingress/public] do not include mesh: "
              + "this VirtualService applies to gateways only and Meshlet clients ignore it"));
      Explanation e = mesh.explain(get("http://reviews:9080/"));
      assertThat(e.virtualService().name()).isEqualTo("mesh-too");
      assertThat(e.rules().get(0).reasons()).singleElement().asString().contains("do not include mesh");
      assertThat(e.endpoint()).isEqualTo("10.0.0.1:9080");
    }
  }

  @Test
  void wildcardHostsDnsAndNoneResolution() {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: external}
        spec:
          hosts: [api.example.com]
          location: MESH_EXTERNAL
          resolution: DNS
          ports: [{number: 443, name: https, protocol: HTTPS}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: anything-else}
        spec:
          hosts: ["*.example.org"]
          location: MESH_EXTERNAL
          resolution: NONE
          ports: [{number: 80, name: http, protocol: HTTP}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: example}
        spec:
          hosts: ["*.example.com"]
          http:
          - match: [{uri: {prefix: /blocked}}]
            directResponse: {status: 403}
          - route: [{destination: {host: api.example.com}}]
        """;
    try (Mesh mesh = mesh(yaml)) {
      Explanation dns = mesh.explain(get("https://api.example.com/v1/x"));
      assertThat(dns.outcome()).isEqualTo(Outcome.FORWARD);
      assertThat(dns.hostResolution()).isEqualTo("'api.example.com' matches wildcard host *.example.com");
      assertThat(dns.endpoint()).isEqualTo("api.example.com:443");
      assertThat(mesh.explain(get("https://www.example.com/blocked")).outcome()).isEqualTo(Outcome.DIRECT_RESPONSE);

      Explanation none = mesh.explain(get("http://cdn.example.org/img.png"));
      assertThat(none.outcome()).isEqualTo(Outcome.PASSTHROUGH);
      assertThat(none.cluster()).isEqualTo("outbound|80||*.example.org");
    }
  }

  @Test
  void portsDecideTheCluster() {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: shop}
        spec:
          hosts: [shop]
          resolution: STATIC
          ports:
          - {number: 80, name: http, protocol: HTTP}
          - {number: 9090, name: admin, protocol: HTTP, targetPort: 19090}
          endpoints:
          - {address: 10.0.0.5, ports: {http: 8080}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: shop}
        spec:
          hosts: [shop]
          http:
          - match: [{port: 9090}]
            route: [{destination: {host: shop}}]
          - match: [{uri: {prefix: /metrics}}]
            route: [{destination: {host: shop, port: {number: 9090}}}]
          - route: [{destination: {host: shop}}]
        """;
    try (Mesh mesh = mesh(yaml)) {
      assertThat(route(mesh, get("http://shop/")).hostPort()).isEqualTo("10.0.0.5:8080");
      assertThat(route(mesh, get("http://shop:9090/")).hostPort()).isEqualTo("10.0.0.5:19090");
      assertThat(route(mesh, get("http://shop/metrics")).hostPort()).isEqualTo("10.0.0.5:19090");
      Explanation e = mesh.explain(get("http://shop:7000/"));
      assertThat(e.outcome()).isEqualTo(Outcome.NO_CLUSTER);
      assertThat(e.message()).isEqualTo("no port 7000 on shop.default.svc.cluster.local (ports: 80, 9090) (NC)");
    }
  }

  @Test
  void aDestinationRuleForAHostNoServiceEntryKnowsIsWarnedAboutAndOneInUseIsNot() {
    String yaml = SERVICE.formatted("reviews", "default") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ghost}
        spec:
          host: ghost
          trafficPolicy: {loadBalancer: {simple: RANDOM}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: everything}
        spec:
          host: "*.local"
        """;
    try (Mesh mesh = mesh(yaml)) {
      assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).filteredOn(w -> w.contains(" host: "))
          .singleElement().satisfies(w -> assertThat(w).startsWith("DestinationRule ghost").endsWith(
              "host: ghost.default.svc.cluster.local has no ServiceEntry (or another DestinationRule for it takes precedence); this rule applies to nothing"));
    }
  }

  @Test
  void destinationsThatCannotWorkAreWarnedAboutAndExplained() {
    String yaml = SERVICE.formatted("reviews", "default") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{headers: {x-v: {exact: "9"}}}]
            route: [{destination: {host: reviews, subset: v9}}]
          - match: [{headers: {x-v: {exact: ghost}}}]
            route: [{destination: {host: ghost}}]
          - match: [{uri: {prefix: /only}}]
            corsPolicy: {allowMethods: [GET]}
            route: [{destination: {host: reviews, subset: v1}}]
        """;
    try (Mesh mesh = mesh(yaml)) {
      assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).anySatisfy(w -> assertThat(w)
          .endsWith("http[0].route[0].destination.subset: subset v9 of reviews.default.svc.cluster.local is not "
              + "defined by any DestinationRule; requests routed there fail"));
      assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).anySatisfy(w -> assertThat(w)
          .endsWith("http[1].route[0].destination.host: ghost.default.svc.cluster.local has no ServiceEntry; "
              + "requests routed there fail"));

      Explanation v9 = mesh.explain(get("http://reviews:9080/", "x-v", "9"));
      assertThat(v9.outcome()).isEqualTo(Outcome.NO_CLUSTER);
      assertThat(v9.notes()).anySatisfy(n -> assertThat(n).contains("subset v9"));

      Explanation only = mesh.explain(get("http://reviews:9080/only"));
      assertThat(only.notes()).noneSatisfy(n -> assertThat(n).contains("corsPolicy"));
      assertThat(only.actions()).anySatisfy(a -> assertThat(a).startsWith("corsPolicy: applied by the server side"));

      Explanation none = mesh.explain(get("http://reviews:9080/other"));
      assertThat(none.outcome()).isEqualTo(Outcome.NO_ROUTE);
      assertThat(none.rules()).hasSize(3).allSatisfy(r -> assertThat(r.matched()).isFalse());
      assertThat(none.message()).isEqualTo("no rule of VirtualService default/reviews matches (NR)");
    }
  }

  @Test
  void unknownHostsAndRedirects() {
    String yaml = SERVICE.formatted("reviews", "default") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {exact: /old}}]
            redirect: {uri: /new, authority: reviews.example.com, scheme: https, redirectCode: 308}
          - route: [{destination: {host: reviews}}]
        """;
    try (Mesh mesh = mesh(yaml)) {
      Explanation redirect = mesh.explain(get("http://reviews:9080/old?a=1"));
      assertThat(redirect.outcome()).isEqualTo(Outcome.REDIRECT);
      assertThat(redirect.actions()).containsExactly("redirect 308 to https://reviews.example.com/new?a=1");
      assertThat(mesh.explain(get("http://elsewhere:1234/")).outcome()).isEqualTo(Outcome.PASSTHROUGH);
    }
    Path file = dir.resolve("mesh.yaml");
    try (Mesh strict = Mesh.builder().workload("caller").configFile(file)
        .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY).build()) {
      Explanation blocked = strict.explain(ExplainRequest.get("http://elsewhere:1234/"));
      assertThat(blocked.outcome()).isEqualTo(Outcome.BLOCKED);
      assertThat(blocked.hostResolution()).contains("'elsewhere' is not known to the mesh");
    }
  }

  @Test
  void consistentHashExplainsItsKey() {
    String yaml = SERVICE.formatted("reviews", "default")
        .replace("{loadBalancer: {simple: ROUND_ROBIN}}", "{loadBalancer: {consistentHash: {httpHeaderName: x-user}}}");
    try (Mesh mesh = mesh(yaml)) {
      Explanation e = mesh.explain(get("http://reviews:9080/", "x-user", "jason"));
      assertThat(e.loadBalancer()).isEqualTo("RING_HASH, hash key: header x-user = 'jason'");
      Endpoint first = route(mesh, get("http://reviews:9080/", "x-user", "jason"));
      for (int i = 0; i < 20; i++) {
        assertThat(route(mesh, get("http://reviews:9080/", "x-user", "jason"))).isSameAs(first);
      }
      assertThat(e.endpoint()).isEqualTo(first.hostPort());
    }
  }

  @Test
  void regexRewriteTakesEnvoySyntaxAndDollarIsLiteral() {
    assertThat(CompiledRoute.javaReplacement("/v2/\\1/$x\\\\y")).isEqualTo("/v2/$1/\\$x\\\\y");
    String yaml = SERVICE.formatted("reviews", "default") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {prefix: /price}}]
            rewrite: {uriRegexRewrite: {match: "^/price/(\\\\d+)$", rewrite: "/cost/$/\\\\1"}}
            route: [{destination: {host: reviews}}]
          - match: [{uri: {prefix: /moved}}]
            redirect: {uri: /here, derivePort: FROM_PROTOCOL_DEFAULT}
        """;
    try (Mesh mesh = mesh(yaml)) {
      assertThat(mesh.explain(get("http://reviews:9080/price/42")).actions()).contains("rewrite path /price/42 -> /cost/$/42");
      assertThat(mesh.explain(get("http://reviews:9080/moved")).actions()).containsExactly("redirect 301 to http://reviews/here");
    }
  }

  @Test
  void aDestinationUnderTwoWildcardsUsesTheMostSpecific() {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: broad}
        spec:
          hosts: ["*.com"]
          resolution: NONE
          ports: [{number: 80, name: http, protocol: HTTP}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: narrow}
        spec:
          hosts: ["*.example.com"]
          resolution: DNS
          ports: [{number: 80, name: http, protocol: HTTP}]
          endpoints: [{address: proxy.internal}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: api}
        spec:
          hosts: [api.other.org]
          http:
          - route: [{destination: {host: api.example.com}}]
        """;
    try (Mesh mesh = mesh(yaml)) {
      Explanation e = mesh.explain(get("http://api.other.org/"));
      assertThat(e.cluster()).isEqualTo("outbound|80||*.example.com");
      assertThat(e.endpoint()).isEqualTo("proxy.internal:80");
    }
  }
}
