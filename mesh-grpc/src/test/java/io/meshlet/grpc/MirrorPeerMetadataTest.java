package io.meshlet.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Metadata;
import io.meshlet.core.Mesh;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.telemetry.IstioMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mirrored gRPC call names its caller to the mirror's workload as the original does: the
 * server-side mesh of the mirror counts it under {@code source_workload="productpage"}, not
 * {@code unknown} (the console would draw an edge from "unknown").
 */
class MirrorPeerMetadataTest {
  static final Metadata.Key<String> PEER = Metadata.Key.of(IstioMetrics.PEER_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;
  GrpcMeshes meshes;
  Mesh reviewsV2;
  final PrometheusMeterRegistry client = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final PrometheusMeterRegistry server = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @AfterEach
  void stop() throws Exception {
    meshes.close();
    if (reviewsV2 != null) {
      reviewsV2.close();
    }
  }

  @Test
  void theShadowCarriesTheCallersPeerMetadataAndIsCountedUnderItsWorkload() throws Exception {
    reviewsV2 = Mesh.builder().workload("reviews-v2").namespace("default")
        .labels(Map.of("app", "reviews", "version", "v2")).meterRegistry(server).build();
    meshes = new GrpcMeshes(dir);
    GrpcBackend primary = meshes.backend("v1");
    GrpcBackend shadow = meshes.backend("v2", MeshGrpc.serverInterceptor(reviewsV2));
    Mesh mesh = meshes.mesh(GrpcMeshes.subsets("") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews, subset: v1}}]
            mirror: {host: reviews, subset: v2}
        """, MeshTime.system(), new Random(1), b -> b.meterRegistry(client));
    assertThat(GrpcMeshes.who(meshes.channel(mesh))).isEqualTo(primary.name);
    await().atMost(Duration.ofSeconds(10)).until(() -> shadow.hits() == 1);
    assertThat(primary.lastHeaders().get(PEER)).startsWith("productpage;default;");
    assertThat(shadow.lastHeaders().get(PEER)).isEqualTo(primary.lastHeaders().get(PEER));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.scrape().contains("istio_requests_total{"));
    assertThat(server.scrape()).contains("source_workload=\"productpage\"").doesNotContain("source_workload=\"unknown\"");
  }
}
