package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The metadata IDEs complete {@code mesh.*} from, as the configuration processor wrote it into the jar. */
class ConfigurationMetadataTest {
  @Test
  void everyMeshPropertyIsListedWithADescription() throws IOException {
    JsonNode metadata;
    try (InputStream in = MeshProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
      metadata = JsonMapper.builder().build().readTree(in);
    }
    Map<String, JsonNode> properties = new LinkedHashMap<>();
    for (JsonNode p : metadata.get("properties")) {
      properties.put(p.get("name").asString(), p);
    }

    assertThat(properties).containsKeys(
        "mesh.enabled", "mesh.workload", "mesh.namespace", "mesh.labels", "mesh.locality", "mesh.root-namespace",
        "mesh.num-trusted-proxies", "mesh.outbound-traffic-policy", "mesh.server-ports",
        "mesh.config.files", "mesh.config.poll-interval",
        "mesh.xds.bootstrap", "mesh.xds.from-environment", "mesh.xds.metadata",
        "mesh.telemetry.metrics-url", "mesh.telemetry.metrics-url-from-actuator",
        "mesh.consul.address", "mesh.consul.token", "mesh.consul.datacenter", "mesh.consul.namespace",
        "mesh.consul.services", "mesh.consul.all-services", "mesh.consul.host-forms", "mesh.consul.service-port", "mesh.consul.passing-only",
        "mesh.consul.config-entries", "mesh.consul.wait",
        "mesh.certificates.certificate-chain", "mesh.certificates.private-key", "mesh.certificates.ca-certificates",
        "mesh.startup.await-first-config", "mesh.startup.timeout",
        "mesh.client.rest-client-builder", "mesh.server.filter", "mesh.server.grpc-interceptor", "mesh.server.grpc-tls");
    List<String> undocumented = new ArrayList<>();
    properties.forEach((name, p) -> {
      if (name.startsWith("mesh.") && (p.get("description") == null || p.get("description").asString().isBlank())) {
        undocumented.add(name);
      }
    });
    assertThat(undocumented).as("mesh.* properties without a description").isEmpty();
    assertThat(properties.get("mesh.outbound-traffic-policy").get("type").asString()).isEqualTo("io.meshlet.core.OutboundTrafficPolicy");
    assertThat(properties.get("mesh.startup.timeout").get("defaultValue").asString()).isEqualTo("10s");
    assertThat(properties.get("mesh.startup.await-first-config").get("defaultValue").asBoolean()).isTrue();
    assertThat(properties.get("mesh.telemetry.metrics-url-from-actuator").get("defaultValue").asBoolean()).isTrue();
    assertThat(properties.get("mesh.server.grpc-tls").get("defaultValue").asBoolean()).isTrue();
  }
}
