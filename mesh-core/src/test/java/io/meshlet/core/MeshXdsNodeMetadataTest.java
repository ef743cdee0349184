package io.meshlet.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Mesh.Builder#xdsNodeMetadata}'s checks (the metadata reaching a control plane is tested with mesh-xds-client and the starter). */
class MeshXdsNodeMetadataTest {
  @Test
  void metadataWithoutAnXdsSourceIsAnErrorNamingTheKeys() {
    Mesh.Builder b = Mesh.builder().workload("productpage")
        .xdsNodeMetadata(Map.of("MESHLET_METRICS_URL", "http://10.0.0.7:8080/actuator/prometheus"));
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessage(
        "xdsNodeMetadata: [MESHLET_METRICS_URL] given but no xDS source (expected: xdsBootstrap(path) or xdsFromEnvironment() as well)");
  }

  @Test
  void nullValuesAndEmptyKeysAreRefused() {
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("WORKLOAD_NAME", null);
    assertThatThrownBy(() -> Mesh.builder().xdsNodeMetadata(withNull)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("xdsNodeMetadata.WORKLOAD_NAME: null (expected: a string, number, boolean, map or list)");
    assertThatThrownBy(() -> Mesh.builder().xdsNodeMetadata(Map.of("", "x"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("xdsNodeMetadata: an empty key (expected: a metadata name)");
  }
}
