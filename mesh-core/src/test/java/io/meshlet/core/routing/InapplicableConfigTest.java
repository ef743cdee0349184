package io.meshlet.core.routing;

import static io.meshlet.core.MeshTesting.get;
import static io.meshlet.core.MeshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.explain.Explanation.Outcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config directory as an Istio user keeps it, with kinds and bindings that cannot apply inside an
 * application: the mesh starts, routes by the rest, and says once per resource what it left out and why.
 */
class InapplicableConfigTest {
  @TempDir Path dir;

  private static final String YAML = """
      apiVersion: install.istio.io/v1alpha1
      kind: IstioOperator
      metadata: {name: install}
      spec: {profile: demo}
      ---
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: bookinfo-gateway}
      spec:
        selector: {istio: ingressgateway}
        servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
      ---
      apiVersion: networking.istio.io/v1alpha3
      kind: EnvoyFilter
      metadata: {name: lua}
      spec: {configPatches: []}
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: ProxyConfig
      metadata: {name: concurrency}
      spec: {concurrency: 2}
      ---
      apiVersion: extensions.istio.io/v1alpha1
      kind: WasmPlugin
      metadata: {name: basic-auth}
      spec: {url: oci://example/basic-auth:latest}
      ---
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
      metadata: {name: reviews-at-the-edge}
      spec:
        hosts: [reviews]
        gateways: [bookinfo-gateway]
        http:
        - route: [{destination: {host: reviews, port: {number: 9080}}}]
          fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
      ---
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: ratings}
      spec:
        hosts: [ratings]
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}]
        endpoints: [{address: 10.0.0.2, labels: {version: v1}}, {address: 10.0.0.3, labels: {version: v2}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: ratings}
      spec:
        host: ratings
        subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: ratings}
      spec:
        hosts: [ratings]
        http:
        - name: admins
          match: [{headers: {"@request.auth.claims.groups": {exact: admin}}}]
          route: [{destination: {host: ratings, subset: v2}}]
        - name: not-bob
          match: [{withoutHeaders: {"@request.auth.claims[sub]": {exact: bob}}, uri: {prefix: /ratings}}]
          route: [{destination: {host: ratings, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: partner-apis}
      spec:
        hosts: ["*-api.partner.example"]
        location: MESH_EXTERNAL
        resolution: NONE
        ports: [{number: 80, name: http, protocol: HTTP}]
      """;

  private Mesh mesh() {
    Path file = write(dir.resolve("mesh.yaml"), YAML);
    return Mesh.builder().workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configFile(file).random(new Random(1)).build();
  }

  @Test
  void kindsThatCannotApplyInProcessAreWarnedOnceEachWithTheReason() {
    try (Mesh mesh = mesh()) {
      List<String> warnings = mesh.snapshot().warnings().stream().map(ConfigProblem::toString).toList();
      String at = " (" + dir.resolve("mesh.yaml") + "): ";
      assertThat(warnings).containsOnlyOnce(
          "IstioOperator install" + at + "kind IstioOperator (apiVersion install.istio.io/v1alpha1) is not a mesh "
              + "config kind (it describes an Istio installation); ignored",
          "Gateway bookinfo-gateway" + at + "kind Gateway cannot apply inside an application (it configures a gateway "
              + "proxy, an Envoy at the edge of the mesh, and an application is not a gateway); ignored",
          "EnvoyFilter lua" + at + "kind EnvoyFilter cannot apply inside an application (it patches the configuration "
              + "of Envoy, and there is no Envoy in-process); ignored",
          "ProxyConfig concurrency" + at + "kind ProxyConfig cannot apply inside an application (it configures the "
              + "Envoy proxy process, and there is no proxy in-process); ignored",
          "WasmPlugin basic-auth" + at + "kind WasmPlugin cannot apply inside an application (it loads a Wasm module "
              + "into Envoy, and Meshlet runs no Wasm); ignored");
      assertThat(warnings.stream().filter(w -> w.startsWith("Gateway ") || w.startsWith("EnvoyFilter ")
          || w.startsWith("ProxyConfig ") || w.startsWith("WasmPlugin ") || w.startsWith("IstioOperator "))).hasSize(5);
    }
  }

  @Test
  void aVirtualServiceBoundOnlyToGatewaysIsReportedInTheSnapshotAndInExplain() {
    try (Mesh mesh = mesh()) {
      assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).containsOnlyOnce(
          "VirtualService reviews-at-the-edge (" + dir.resolve("mesh.yaml") + "): gateways: [bookinfo-gateway] do not "
              + "include mesh: this VirtualService applies to gateways only and Meshlet clients ignore it");
      Explanation e = mesh.explain(get("http://reviews:9080/reviews/1"));
      assertThat(e.outcome()).as("its fault does not apply: the default route forwards").isEqualTo(Outcome.FORWARD);
      assertThat(e.virtualService()).isNull();
      assertThat(e.notes()).contains("VirtualService default/reviews-at-the-edge names reviews.default.svc.cluster.local"
          + " but is bound to gateways [bookinfo-gateway] without mesh: it does not apply to this workload's calls");
      assertThat(mesh.explain(get("http://eu-api.partner.example/")).notes()).isEmpty();
    }
  }

  @Test
  void jwtClaimMatchesAreAbsentOnOutboundCalls() {
    try (Mesh mesh = mesh()) {
      Explanation e = mesh.explain(get("http://ratings:9080/ratings/1"));
      assertThat(e.matchedRule()).as("the claim block never matches; the claim of withoutHeaders is absent").isEqualTo(1);
      assertThat(e.cluster()).isEqualTo("outbound|9080|v1|ratings.default.svc.cluster.local");
      assertThat(e.rules().get(0).reasons()).anySatisfy(r -> assertThat(r)
          .contains("headers @request.auth.claims.groups is a JWT claim, and an outbound call carries no validated token"));
      assertThat(mesh.explain(get("http://ratings:9080/other")).outcome()).isEqualTo(Outcome.NO_ROUTE);
    }
  }

  @Test
  void aPartialWildcardHostMatchesTextBeforeItsSuffix() {
    try (Mesh mesh = mesh()) {
      Explanation eu = mesh.explain(get("http://eu-api.partner.example/v1"));
      assertThat(eu.hostResolution()).isEqualTo("'eu-api.partner.example' matches wildcard host *-api.partner.example");
      assertThat(eu.cluster()).isEqualTo("outbound|80||*-api.partner.example");
      assertThat(mesh.explain(get("http://eu-web.partner.example/")).hostResolution()).contains("not known to the mesh");
    }
  }
}
