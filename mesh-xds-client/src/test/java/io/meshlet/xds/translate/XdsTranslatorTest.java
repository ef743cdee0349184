package io.meshlet.xds.translate;

import static io.meshlet.xds.translate.Istiod.BASE;
import static io.meshlet.xds.translate.Istiod.REVIEWS;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.model.Destination;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.LoadBalancerSettings;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.RetryPolicy;
import io.meshlet.core.model.RouteDestination;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.ServicePort;
import io.meshlet.core.model.StringMatch;
import io.meshlet.core.model.Subset;
import io.meshlet.core.model.VirtualService;
import io.meshlet.core.model.WorkloadEndpoint;
import io.meshlet.core.routing.Cluster;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class XdsTranslatorTest {
  private static final RetryPolicy ISTIO_DEFAULT_RETRIES = RetryPolicy.DEFAULT;

  @Test
  void reviewsBecomeOneVirtualServiceServiceEntryAndDestinationRule() {
    Translation t = XdsTranslator.translate(Istiod.reviews(), "default");

    assertThat(t.problems()).isEmpty();
    MeshConfig config = t.config();

    VirtualService vs = config.virtualServices().get(0);
    assertThat(config.virtualServices()).hasSize(1);
    assertThat(vs.id()).isEqualTo(new ResourceId("VirtualService", "default", REVIEWS));
    assertThat(vs.origin()).isEqualTo(new ResourceOrigin("xds", "RouteConfiguration " + Istiod.ROUTES));
    assertThat(vs.hosts()).containsExactly(REVIEWS);
    HttpMatch port9080 = RouteTranslator.withPort(HttpMatch.any(), 9080);
    HttpMatch jason = new HttpMatch(null, null, null, null, null, Map.of("end-user", StringMatch.exact("jason")),
        Map.of(), Map.of(), 9080, false, Map.of(), null, List.of());
    assertThat(vs.http()).containsExactly(
        new HttpRoute("jason", List.of(jason),
            List.of(new RouteDestination(new Destination(REVIEWS, "v2", 9080), 100, HeaderOperations.NONE)),
            null, null, null, HeaderOperations.NONE, null, ISTIO_DEFAULT_RETRIES, null, List.of(), null),
        new HttpRoute(null, List.of(port9080),
            List.of(new RouteDestination(new Destination(REVIEWS, "v1", 9080), 80, HeaderOperations.NONE),
                new RouteDestination(new Destination(REVIEWS, "v3", 9080), 20, HeaderOperations.NONE)),
            null, null, null, HeaderOperations.NONE, null, ISTIO_DEFAULT_RETRIES, null, List.of(), null));

    ServiceEntry se = config.serviceEntries().get(0);
    assertThat(config.serviceEntries()).hasSize(1);
    assertThat(se.id()).isEqualTo(new ResourceId("ServiceEntry", "default", REVIEWS));
    assertThat(se.origin()).isEqualTo(new ResourceOrigin("xds", "Cluster " + BASE));
    assertThat(se.hosts()).containsExactly(REVIEWS);
    assertThat(se.ports()).containsExactly(new ServicePort(9080, "HTTP", "xds-9080", 0));
    assertThat(se.resolution()).isEqualTo(ServiceEntry.Resolution.STATIC);
    assertThat(se.location()).isEqualTo(ServiceEntry.Location.MESH_INTERNAL);
    String zone = "us-east1/us-east1-b";
    assertThat(se.endpoints()).containsExactly(
        new WorkloadEndpoint("10.0.0.1", Map.of("xds-9080", 9080), Map.of("xds.meshlet.io/subset-v1", "true"), null, zone, 1, null, 0, 0),
        new WorkloadEndpoint("10.0.0.2", Map.of("xds-9080", 9080), Map.of("xds.meshlet.io/subset-v2", "true"), null, zone, 1, null, 0, 0),
        new WorkloadEndpoint("10.0.0.3", Map.of("xds-9080", 9080), Map.of("xds.meshlet.io/subset-v3", "true"), null, zone, 1, null, 0, 0));

    DestinationRule dr = config.destinationRules().get(0);
    assertThat(dr.id()).isEqualTo(new ResourceId("DestinationRule", "default", REVIEWS));
    assertThat(dr.host()).isEqualTo(REVIEWS);
    assertThat(dr.subsets()).extracting(Subset::name).containsExactly("v1", "v2", "v3");
    assertThat(dr.subset("v2").labels()).isEqualTo(Map.of("xds.meshlet.io/subset-v2", "true"));
    assertThat(dr.trafficPolicy().loadBalancerFor(9080))
        .isEqualTo(new LoadBalancerSettings(LoadBalancerSettings.Simple.LEAST_REQUEST, null));
    assertThat(dr.trafficPolicy().connectionPoolFor(9080).connectTimeout()).hasSeconds(10);
  }

  @Test
  void istiodsWorkloadMetadataBecomesTheEndpointsTelemetryLabels() {
    XdsResources base = Istiod.reviews();
    Map<String, io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment> eps = new java.util.LinkedHashMap<>(base.endpoints());
    io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint v1 = Istiod.endpoint("10.0.0.1", 9080,
        io.envoyproxy.envoy.config.core.v3.HealthStatus.HEALTHY).toBuilder()
        .setMetadata(io.envoyproxy.envoy.config.core.v3.Metadata.newBuilder().putFilterMetadata("istio",
            com.google.protobuf.Struct.newBuilder().putFields("workload", com.google.protobuf.Value.newBuilder()
                .setStringValue("reviews-v1;default;reviews;v1;Kubernetes").build()).build()))
        .build();
    eps.put(Istiod.V1, Istiod.cla(Istiod.V1, v1));
    MeshConfig config = XdsTranslator.translate(new XdsResources(base.listeners(), base.routes(), base.clusters(), eps), "default")
        .config();
    WorkloadEndpoint e = config.serviceEntries().get(0).endpoints().get(0);
    assertThat(e.address()).isEqualTo("10.0.0.1");
    assertThat(e.labels()).containsEntry("service.istio.io/workload-name", "reviews-v1")
        .containsEntry("meshlet.io/workload-namespace", "default")
        .containsEntry("service.istio.io/canonical-name", "reviews")
        .containsEntry("service.istio.io/canonical-revision", "v1")
        .containsEntry("topology.istio.io/cluster", "Kubernetes")
        .containsEntry("xds.meshlet.io/subset-v1", "true");
  }

  @Test
  void theMeshRoutesJasonToV2AndSplitsEveryoneElse() {
    Translation t = XdsTranslator.translate(Istiod.reviews(), "default");
    try (Mesh mesh = mesh(t)) {
      Explanation forJason = mesh.explain("http://reviews:9080/reviews/0", Map.of("end-user", "jason"));
      assertThat(forJason.outcome()).isEqualTo(Explanation.Outcome.FORWARD);
      assertThat(forJason.virtualService()).isEqualTo(new ResourceId("VirtualService", "default", REVIEWS));
      assertThat(forJason.virtualServiceOrigin()).isEqualTo("xds: RouteConfiguration " + Istiod.ROUTES);
      assertThat(forJason.matchedRule()).isZero();
      assertThat(forJason.cluster()).isEqualTo(Istiod.V2);
      assertThat(forJason.endpoint()).isEqualTo("10.0.0.2:9080");

      Explanation forOthers = mesh.explain("http://reviews.default.svc.cluster.local:9080/reviews/0", Map.of());
      assertThat(forOthers.matchedRule()).isEqualTo(1);
      assertThat(forOthers.destinations()).extracting(Explanation.WeightedChoice::weight).containsExactly(80, 20);

      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        Explanation e = mesh.explain("http://reviews.default:9080/", Map.of("end-user", "mary"));
        seen.add(e.cluster() + " " + e.endpoint());
      }
      assertThat(seen).containsExactlyInAnyOrder(Istiod.V1 + " 10.0.0.1:9080", Istiod.V3 + " 10.0.0.3:9080");

      Cluster base = mesh.routeTable().cluster(BASE);
      assertThat(base.endpoints()).extracting(e -> e.hostPort()).containsExactly("10.0.0.1:9080", "10.0.0.2:9080", "10.0.0.3:9080");
      assertThat(mesh.routeTable().cluster(Istiod.V2).endpoints()).extracting(e -> e.hostPort()).containsExactly("10.0.0.2:9080");
      assertThat(mesh.routeTable().cluster(Istiod.V3).endpoints()).extracting(e -> e.hostPort()).containsExactly("10.0.0.3:9080");

      Explanation otherPort = mesh.explain("http://reviews:9081/", Map.of());
      assertThat(otherPort.outcome()).isEqualTo(Explanation.Outcome.NO_ROUTE);
    }
  }

  @Test
  void referencedNames() {
    XdsResources r = Istiod.reviews();
    assertThat(XdsTranslator.routeNamesReferenced(r.listeners().values())).containsExactly(Istiod.ROUTES);
    assertThat(XdsTranslator.edsNamesReferenced(List.of(Istiod.edsCluster(BASE), Istiod.edsCluster(Istiod.V1))))
        .containsExactly(BASE, Istiod.V1);
    io.envoyproxy.envoy.config.cluster.v3.Cluster noServiceName = Istiod.edsCluster("plain").toBuilder()
        .setEdsClusterConfig(io.envoyproxy.envoy.config.cluster.v3.Cluster.EdsClusterConfig.getDefaultInstance()).build();
    io.envoyproxy.envoy.config.cluster.v3.Cluster dns = Istiod.edsCluster("dns").toBuilder()
        .setType(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.STRICT_DNS).build();
    assertThat(XdsTranslator.edsNamesReferenced(List.of(noServiceName, dns))).containsExactly("plain");
  }

  static Mesh mesh(Translation t) {
    return Mesh.builder()
        .workload("productpage")
        .namespace("default")
        .sourceAddress("10.0.0.7")
        .random(new Random(42))
        .configSource(new TranslationSource(t))
        .build();
  }

  /** Delivers one translation, as the ADS client will. */
  static final class TranslationSource implements ConfigSource {
    private final Translation translation;

    TranslationSource(Translation translation) {
      this.translation = translation;
    }

    @Override
    public String name() {
      return "xds";
    }

    @Override
    public void start(ConfigSink sink) {
      sink.accept(new SourceUpdate("xds", "1", translation.config(), translation.problems()));
    }

    @Override
    public void close() {}
  }
}
