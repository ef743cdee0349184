package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The endpoint metadata istiod writes for a known workload, from a ServiceEntry endpoint's labels. */
class WorkloadMetadataTest {
  @Test
  void aNamedWorkloadIsWrittenAsIstiodWritesItAndAnUnnamedOneNotAtAll() {
    var m = WorkloadMetadata.of(Map.of("app", "reviews", "version", "v2", "service.istio.io/workload-name", "reviews-v2"), "default");
    assertThat(m.getFilterMetadataOrThrow("istio").getFieldsOrThrow("workload").getStringValue())
        .isEqualTo("reviews-v2;default;reviews;v2;");
    var canonical = WorkloadMetadata.of(Map.of("app", "reviews", "service.istio.io/workload-name", "r;x",
        "service.istio.io/canonical-name", "reviews-svc", "service.istio.io/canonical-revision", "r7",
        "topology.istio.io/cluster", "east"), "prod");
    assertThat(canonical.getFilterMetadataOrThrow("istio").getFieldsOrThrow("workload").getStringValue())
        .isEqualTo("rx;prod;reviews-svc;r7;east");
    assertThat(WorkloadMetadata.of(Map.of("app", "reviews"), "default")).isNull();
  }
}
