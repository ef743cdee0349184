package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentLevelTest {
  private static final String DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: ratings
      spec:
        host: ratings
      """;

  @Test
  void otherIstioKindsAreWarnedAndIgnored() {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: bookinfo-gateway}
        spec: {selector: {istio: ingressgateway}}
        ---
        apiVersion: extensions.istio.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: wasm}
        """;
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(
        "Gateway bookinfo-gateway (mesh.yaml): kind Gateway cannot apply inside an application (it configures a "
            + "gateway proxy, an Envoy at the edge of the mesh, and an application is not a gateway); ignored",
        "WasmPlugin wasm (mesh.yaml): kind WasmPlugin cannot apply inside an application (it loads a Wasm module into "
            + "Envoy, and Meshlet runs no Wasm); ignored");
    assertThat(parse(yaml).config().size()).isZero();
  }

  @Test
  void nonIstioKindsAreWarnedAndIgnored() {
    String yaml = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews}
        spec: {ports: [{port: 9080}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: reviews-v1}
        """;
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(
        "Service reviews (mesh.yaml): kind Service (apiVersion v1) is not an Istio kind; ignored",
        "Deployment reviews-v1 (mesh.yaml): kind Deployment (apiVersion apps/v1) is not an Istio kind; ignored");
  }

  @Test
  void unknownIstioKindOrVersionIsAnError() {
    assertThat(errors("""
        apiVersion: networking.istio.io/v1
        kind: VirtualServce
        metadata: {name: reviews}
        ---
        apiVersion: networking.istio.io/v2
        kind: VirtualService
        metadata: {name: reviews}
        ---
        apiVersion: policy.istio.io/v1
        kind: Rule
        metadata: {name: r}
        """)).containsExactly(
            "VirtualServce reviews (mesh.yaml): kind: 'VirtualServce' (expected: one of DestinationRule, EnvoyFilter, "
                + "Gateway, ProxyConfig, ServiceEntry, Sidecar, VirtualService, WorkloadEntry, WorkloadGroup)",
            "VirtualService reviews (mesh.yaml): apiVersion: 'networking.istio.io/v2' (expected: "
                + "networking.istio.io/v1, v1beta1, v1alpha3)",
            "Rule r (mesh.yaml): apiVersion: 'policy.istio.io/v1' (expected: networking.istio.io/v1, "
                + "security.istio.io/v1, telemetry.istio.io/v1 or extensions.istio.io/v1alpha1)");
  }

  @Test
  void unknownMeshletKindOrVersionIsAnError() {
    assertThat(errors("""
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: Bulkhead
        metadata: {name: reviews}
        ---
        apiVersion: resilience.meshlet.io/v1
        kind: CircuitBreaker
        metadata: {name: reviews}
        ---
        apiVersion: routing.meshlet.io/v1alpha1
        kind: Route
        metadata: {name: r}
        ---
        apiVersion: networking.istio.io/v1
        kind: CircuitBreaker
        metadata: {name: reviews}
        """)).containsExactly(
            "Bulkhead reviews (mesh.yaml): kind: 'Bulkhead' (expected: one of CircuitBreaker, RateLimit)",
            "CircuitBreaker reviews (mesh.yaml): apiVersion: 'resilience.meshlet.io/v1' (expected: "
                + "resilience.meshlet.io/v1alpha1)",
            "Route r (mesh.yaml): apiVersion: 'routing.meshlet.io/v1alpha1' (expected: resilience.meshlet.io/v1alpha1)",
            "CircuitBreaker reviews (mesh.yaml): kind: 'CircuitBreaker' (expected: one of DestinationRule, EnvoyFilter, "
                + "Gateway, ProxyConfig, ServiceEntry, Sidecar, VirtualService, WorkloadEntry, WorkloadGroup)");
  }

  @Test
  void meshletKindsShareTheResourceFrame() {
    IstioYaml.ParseResult r = parse("""
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: CircuitBreaker
        metadata:
          name: reviews
          namespace: prod
          labels: {app: reviews}
          resourceVersion: "7"
        spec: {host: reviews}
        status: {}
        ---
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: RateLimit
        metadata: {name: reviews}
        spec: {host: reviews, limitForPeriod: 10}
        """);
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().all()).extracting(d -> d.id()).containsExactly(
        new ResourceId("CircuitBreaker", "prod", "reviews"), new ResourceId("RateLimit", "default", "reviews"));
    assertThat(r.config().circuitBreakers().get(0).host()).isEqualTo("reviews.prod.svc.cluster.local");
    assertThat(r.config().rateLimits().get(0).origin().location()).isEqualTo("mesh.yaml");
    assertThat(errors("""
        apiVersion: resilience.meshlet.io/v1alpha1
        kind: RateLimit
        metadata: {namespace: prod}
        """)).containsExactly(
            "RateLimit <unnamed> (mesh.yaml): metadata.name: missing (required)",
            "RateLimit <unnamed> (mesh.yaml): spec: missing (required)");
  }

  @Test
  void metadata() {
    IstioYaml.ParseResult r = parse("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: ratings
          namespace: prod
          labels: {app: ratings}
          annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}
          uid: 0a1b
          resourceVersion: "123"
          generation: 2
          creationTimestamp: "2024-01-01T00:00:00Z"
          managedFields: [{manager: kubectl}]
        spec:
          host: ratings
        status:
          observedGeneration: 2
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: details}
        spec: {host: details}
        """);
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().destinationRules()).extracting(d -> d.id()).containsExactly(
        new ResourceId("DestinationRule", "prod", "ratings"), new ResourceId("DestinationRule", "default", "details"));
    assertThat(r.config().destinationRules().get(0).host()).isEqualTo("ratings.prod.svc.cluster.local");
  }

  @Test
  void metadataErrors() {
    assertThat(errors("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {namespace: prod, owner: me}
        spec: {host: ratings}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: x}
        specs: {host: ratings}
        """)).containsExactly(
            "DestinationRule <unnamed> (mesh.yaml): metadata.name: missing (required)",
            "DestinationRule <unnamed> (mesh.yaml): metadata.owner: unknown field (expected one of: labels, annotations, uid, resourceVersion, generation, creationTimestamp, managedFields, ownerReferences, finalizers, selfLink, name, namespace)",
            "DestinationRule x (mesh.yaml): spec: missing (required)",
            "DestinationRule x (mesh.yaml): specs: unknown field (did you mean spec?)");
  }

  @Test
  void metadataMustBeAMapping() {
    assertThat(errors("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: ratings
        spec: {host: ratings}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        spec: {host: ratings}
        """)).containsExactly(
            "DestinationRule <unnamed> (mesh.yaml): metadata: 'ratings' (expected: a mapping)",
            "DestinationRule <unnamed> (mesh.yaml): metadata: missing (required)");
  }

  @Test
  void duplicatesWithinOneTextAreErrors() {
    IstioYaml.ParseResult r = parse(DR + "---\n" + DR + "---\n" + DR.replace("name: ratings", "name: ratings\n  namespace: prod"));
    assertThat(r.errors()).extracting(Object::toString).containsExactly(
        "DestinationRule ratings (mesh.yaml): duplicate: DestinationRule default/ratings is defined more than once");
    assertThat(r.config().destinationRules()).hasSize(2);
  }

  @Test
  void yamlSyntaxErrorNamesTheLine() {
    assertThat(errors(DR + "---\nkind: VirtualService\n  bad: indent\n")).containsExactly(
        "mesh.yaml: YAML syntax error at line 9: mapping values are not allowed here");
    assertThat(errors("metadata:\n  name: [unclosed\n")).containsExactly(
        "mesh.yaml: YAML syntax error at line 2: while parsing a flow sequence; expected ',' or ']', but got <stream end>");
  }

  @Test
  void duplicateKeysAreSyntaxErrors() {
    assertThat(errors(DR.replace("host: ratings", "host: ratings\n  host: other"))).containsExactly(
        "mesh.yaml: YAML syntax error at line 7: Duplicate Object property \"host\"");
  }

  @Test
  void documentsThatAreNotResources() {
    assertThat(errors("""
        just a string
        ---
        kind: VirtualService
        ---
        apiVersion: networking.istio.io/v1
        """)).containsExactly(
            "mesh.yaml: document 1: 'just a string' (expected: a mapping with apiVersion and kind)",
            "mesh.yaml: document 2: apiVersion missing (required)",
            "mesh.yaml: document 3: kind missing (required)");
  }

  @Test
  void aResourceWithErrorsIsLeftOutButOthersStay() {
    IstioYaml.ParseResult r = parse(DR + "---\n" + DR.replace("name: ratings", "name: bad").replace("host: ratings", "hots: x"));
    assertThat(r.hasErrors()).isTrue();
    assertThat(r.config().destinationRules()).extracting(d -> d.id().name()).containsExactly("ratings");
  }
}
