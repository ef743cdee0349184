package io.meshlet.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.model.Workload;
import io.meshlet.xds.bootstrap.XdsBootstrap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A mesh built from a bootstrap takes its namespace and labels from the node, as istio-agent writes them. */
class XdsWorkloadTest {
  private static final XdsBootstrap BOOTSTRAP = XdsBootstrap.fromJson("""
      {"xds_servers": [{"server_uri": "unix:///etc/istio/proxy/XDS", "channel_creds": [{"type": "insecure"}],
                        "server_features": ["xds_v3"]}],
       "node": {"id": "sidecar~10.0.0.7~reviews-v1-abc.prod~prod.svc.cluster.local",
                "metadata": {"NAMESPACE": "prod", "LABELS": {"app": "reviews", "version": "v1"}}}}
      """, "grpc-bootstrap.json");
  private static final Workload DECLARED = new Workload("reviews", "default", Map.of(), "10.0.0.7");

  @Test
  void namespaceAndLabelsComeFromTheNodeWhenTheMeshWasNotGivenThem() {
    Workload w = XdsConfigSourceProvider.workload(BOOTSTRAP, DECLARED, false, false);
    assertThat(w).isEqualTo(new Workload("reviews", "prod", Map.of("app", "reviews", "version", "v1"), "10.0.0.7"));
  }

  @Test
  void labelsGivenToTheMeshAreKept() {
    Workload declared = new Workload("reviews", "prod", Map.of("app", "reviews", "track", "canary"), "10.0.0.7");
    assertThat(XdsConfigSourceProvider.workload(BOOTSTRAP, declared, true, true)).isEqualTo(declared);
  }

  @Test
  void aNamespaceThatContradictsTheNodeIsAnError() {
    assertThatThrownBy(() -> XdsConfigSourceProvider.workload(BOOTSTRAP, DECLARED, true, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("grpc-bootstrap.json: node.metadata.NAMESPACE: 'prod' but the mesh was built with namespace"
            + " 'default' (expected: the same namespace, or none given to the mesh)");
  }

  @Test
  void theLocalityComesFromTheNodeUnlessTheMeshWasGivenOne() {
    XdsBootstrap located = XdsBootstrap.fromJson("""
        {"xds_servers": [{"server_uri": "localhost:15010", "channel_creds": [{"type": "insecure"}]}],
         "node": {"id": "n1", "locality": {"region": "us-central1", "zone": "us-central1-a"}}}
        """, "located.json");
    assertThat(XdsConfigSourceProvider.workload(located, DECLARED, false, false).locality()).isEqualTo("us-central1/us-central1-a");
    Workload declared = new Workload("reviews", "default", Map.of(), "10.0.0.7", "eu/b");
    assertThat(XdsConfigSourceProvider.workload(located, declared, false, false).locality()).isEqualTo("eu/b");
  }

  @Test
  void aNodeWithoutMetadataChangesNothing() {
    XdsBootstrap bare = XdsBootstrap.fromJson("""
        {"xds_servers": [{"server_uri": "localhost:15010", "channel_creds": [{"type": "insecure"}]}],
         "node": {"id": "n1"}}
        """, "bare.json");
    assertThat(XdsConfigSourceProvider.workload(bare, DECLARED, false, false)).isEqualTo(DECLARED);
  }
}
