package io.meshlet.core.routing;

import static io.meshlet.core.MeshTesting.get;
import static io.meshlet.core.MeshTesting.route;
import static io.meshlet.core.MeshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.explain.Explanation.Outcome;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.pipeline.CallFailure;
import io.meshlet.core.pipeline.ResponseFlag;
import io.meshlet.core.pipeline.Routed;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call written without a port ({@code http://details/}) is routed on the service's one declared
 * port, also by match blocks restricted to a port (the shape xDS gives every block: its listener's
 * port).
 */
class ServicePortTest {
  @TempDir Path dir;

  /** details on one port, each rule restricted to it as the xDS translator restricts them. */
  private static final String ONE_PORT = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: details}
      spec:
        hosts: [details.default.svc.cluster.local]
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}]
        endpoints: [{address: 10.0.0.1}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: details}
      spec:
        hosts: [details.default.svc.cluster.local]
        http:
        - match: [{port: 9080, uri: {prefix: /}}]
          route: [{destination: {host: details.default.svc.cluster.local}}]
      """;

  private static final String TWO_PORTS = ONE_PORT.replace(
      "ports: [{number: 9080, name: http, protocol: HTTP}]",
      "ports: [{number: 9080, name: http, protocol: HTTP}, {number: 9081, name: http-admin, protocol: HTTP}]");

  private Mesh mesh(String yaml) {
    return Mesh.builder().workload("productpage").namespace("default")
        .configFile(write(dir.resolve("mesh.yaml"), yaml)).random(new Random(1)).build();
  }

  @Test
  void aCallWithoutPortIsRoutedOnTheServicesOnePort() {
    try (Mesh mesh = mesh(ONE_PORT)) {
      Endpoint e = route(mesh, get("http://details/details/0"));
      assertThat(e).isNotNull();
      assertThat(e.hostPort()).isEqualTo("10.0.0.1:9080");
      assertThat(route(mesh, get("http://details.default.svc.cluster.local/details/0"))).isNotNull();

      Explanation x = mesh.explain(get("http://details/details/0"));
      assertThat(x.outcome()).isEqualTo(Outcome.FORWARD);
      assertThat(x.notes()).anySatisfy(n -> assertThat(n).contains("one port 9080"));
    }
  }

  @Test
  void aPortTheCallerWroteIsKept() {
    try (Mesh mesh = mesh(ONE_PORT)) {
      Routed r = mesh.pipeline().outbound(get("http://details:8080/details/0"), null);
      assertThat(r).isInstanceOf(CallFailure.class);
      assertThat(((CallFailure) r).flag()).isEqualTo(ResponseFlag.NR);
      assertThat(mesh.explain(get("http://details:8080/details/0")).outcome()).isEqualTo(Outcome.NO_ROUTE);
    }
  }

  @Test
  void aServiceWithSeveralPortsNeedsThePortWritten() {
    try (Mesh mesh = mesh(TWO_PORTS)) {
      Routed r = mesh.pipeline().outbound(get("http://details/details/0"), null);
      assertThat(r).isInstanceOf(CallFailure.class);
      assertThat(((CallFailure) r).flag()).isEqualTo(ResponseFlag.NR);
      assertThat(mesh.explain(get("http://details/details/0")).outcome()).isEqualTo(Outcome.NO_ROUTE);
      assertThat(route(mesh, get("http://details:9080/details/0"))).isNotNull();
    }
  }
}
