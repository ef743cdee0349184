package io.meshlet.core.config.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.Destination;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.Headers;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.RouteDestination;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.ServicePort;
import io.meshlet.core.model.StringMatch;
import io.meshlet.core.model.Subset;
import io.meshlet.core.model.VirtualService;
import io.meshlet.core.model.WorkloadEndpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BookinfoParseTest {
  static final String BOOKINFO = """
      # Bookinfo, as in Istio's request-routing task, plus static endpoints for Meshlet.
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata:
        name: reviews
      spec:
        hosts:
        - reviews
        location: MESH_INTERNAL
        resolution: STATIC
        ports:
        - number: 9080
          name: http
          protocol: http
        endpoints:
        - address: 10.0.0.11
          labels: {app: reviews, version: v1}
        - address: 10.0.0.12
          labels: {app: reviews, version: v2}
          ports: {http: 9081}
          weight: 3
        - address: "fd00::13"
          labels: {app: reviews, version: v3}
          locality: us-east1/b
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
        namespace: bookinfo
        labels: {team: books}
        annotations: {note: demo}
      spec:
        hosts:
        - reviews
        http:
        - name: jason
          match:
          - headers:
              End-User:
                exact: jason
            uri:
              prefix: /reviews
          route:
          - destination:
              host: reviews
              subset: v2
        - name: split
          route:
          - destination:
              host: reviews
              subset: v1
              port:
                number: 9080
            weight: 75
            headers:
              response:
                set: {x-version: v1}
          - destination:
              host: reviews
              subset: v3
            weight: 25
          headers:
            request:
              add: {x-mesh: meshlet}
              remove: [x-debug]
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: DestinationRule
      metadata:
        name: reviews
      spec:
        host: reviews
        trafficPolicy:
          loadBalancer:
            simple: ROUND_ROBIN
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            loadBalancer:
              consistentHash:
                httpHeaderName: X-User
        - name: v3
          labels: {version: v3}
      ---
      """;

  @Test
  void bookinfoTranslatesIntoTheModel() {
    IstioYaml.ParseResult result = IstioYaml.parse("file:/etc/mesh", "bookinfo.yaml", BOOKINFO, "default");

    // Locality is read and kept in the model (and applied: localityLbSetting).
    assertThat(result.problems()).isEmpty();
    ResourceOrigin origin = new ResourceOrigin("file:/etc/mesh", "bookinfo.yaml");

    ServiceEntry se = result.config().serviceEntries().get(0);
    assertThat(se).isEqualTo(new ServiceEntry(
        new ResourceId("ServiceEntry", "default", "reviews"),
        origin,
        List.of("reviews.default.svc.cluster.local"),
        List.of(),
        List.of(new ServicePort(9080, "HTTP", "http", 0)),
        ServiceEntry.Location.MESH_INTERNAL,
        ServiceEntry.Resolution.STATIC,
        List.of(
            new WorkloadEndpoint("10.0.0.11", Map.of(), Map.of("app", "reviews", "version", "v1"), null, null, 1, null),
            new WorkloadEndpoint("10.0.0.12", Map.of("http", 9081), Map.of("app", "reviews", "version", "v2"), null, null, 3, null),
            new WorkloadEndpoint("fd00::13", Map.of(), Map.of("app", "reviews", "version", "v3"), null, "us-east1/b", 1, null)),
        List.of(),
        List.of()));

    VirtualService vs = result.config().virtualServices().get(0);
    String reviews = "reviews.bookinfo.svc.cluster.local";
    HttpMatch jason = new HttpMatch(null, StringMatch.prefix("/reviews"), null, null, null,
        Map.of("end-user", StringMatch.exact("jason")), Map.of(), Map.of(), 0, false, Map.of(), null, List.of());
    assertThat(vs).isEqualTo(new VirtualService(
        new ResourceId("VirtualService", "bookinfo", "reviews"),
        origin,
        List.of(reviews),
        List.of(),
        List.of(
            new HttpRoute("jason", List.of(jason),
                List.of(new RouteDestination(new Destination(reviews, "v2", 0), 100, HeaderOperations.NONE)),
                null, null, null, HeaderOperations.NONE),
            new HttpRoute("split", List.of(),
                List.of(
                    new RouteDestination(new Destination(reviews, "v1", 9080), 75,
                        new HeaderOperations(Headers.NONE, new Headers(Map.of("x-version", "v1"), Map.of(), List.of()))),
                    new RouteDestination(new Destination(reviews, "v3", 0), 25, HeaderOperations.NONE)),
                null, null, null,
                new HeaderOperations(new Headers(Map.of(), Map.of("x-mesh", "meshlet"), List.of("x-debug")), Headers.NONE))),
        List.of(),
        List.of()));

    DestinationRule dr = result.config().destinationRules().get(0);
    assertThat(dr.id()).isEqualTo(new ResourceId("DestinationRule", "default", "reviews"));
    assertThat(dr.host()).isEqualTo("reviews.default.svc.cluster.local");
    assertThat(dr.trafficPolicy().loadBalancer()).isEqualTo(new LoadBalancerSettings(LoadBalancerSettings.Simple.ROUND_ROBIN, null));
    assertThat(dr.subsets()).extracting(Subset::name).containsExactly("v1", "v2", "v3");
    assertThat(dr.subset("v1").trafficPolicy()).isNull();
    assertThat(dr.subset("v2").trafficPolicy().loadBalancer()).isEqualTo(new LoadBalancerSettings(null,
        new LoadBalancerSettings.ConsistentHash(LoadBalancerSettings.ConsistentHash.HashOn.HTTP_HEADER_NAME, "x-user", 1024)));
    assertThat(dr.notYetApplied()).isEmpty();
  }

  @Test
  void everyIstioNetworkingVersionIsAccepted() {
    for (String version : List.of("v1", "v1beta1", "v1alpha3")) {
      IstioYaml.ParseResult result = Yaml.parse("""
          apiVersion: networking.istio.io/%s
          kind: VirtualService
          metadata: {name: ratings}
          spec:
            hosts: [ratings]
            http:
            - route:
              - destination: {host: ratings}
          """.formatted(version));
      assertThat(result.problems()).as(version).isEmpty();
      assertThat(result.config().virtualServices()).as(version).hasSize(1);
    }
  }

  @Test
  void emptyDocumentsAndCommentsAreSkipped() {
    IstioYaml.ParseResult result = Yaml.parse("""
        ---
        # nothing here
        ---
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings}
        spec: {host: ratings}
        ---
        """);
    assertThat(result.problems()).isEmpty();
    assertThat(result.config().destinationRules()).hasSize(1);
    assertThat(Yaml.parse("").config().size()).isZero();
  }
}
