package io.meshlet.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** gRPC's environment rule: a non-blank file name wins over the JSON; blank counts as unset. */
class XdsBootstrapEnvironmentTest {
  @Test
  void aFileNameWinsOverTheJsonAndBlankIsUnset() {
    Map<String, String> both = Map.of("GRPC_XDS_BOOTSTRAP", " /etc/istio/proxy/grpc-bootstrap.json ",
        "GRPC_XDS_BOOTSTRAP_CONFIG", "{}");
    assertThat(XdsBootstrapEnvironment.path(both::get)).isEqualTo("/etc/istio/proxy/grpc-bootstrap.json");
    assertThat(XdsBootstrapEnvironment.json(both::get)).isNull();
    assertThat(XdsBootstrapEnvironment.isSet(both::get)).isTrue();

    Map<String, String> json = Map.of("GRPC_XDS_BOOTSTRAP", "  ", "GRPC_XDS_BOOTSTRAP_CONFIG", "{\"xds_servers\": []}");
    assertThat(XdsBootstrapEnvironment.path(json::get)).isNull();
    assertThat(XdsBootstrapEnvironment.json(json::get)).isEqualTo("{\"xds_servers\": []}");
    assertThat(XdsBootstrapEnvironment.isSet(json::get)).isTrue();

    Map<String, String> blank = Map.of("GRPC_XDS_BOOTSTRAP", "", "GRPC_XDS_BOOTSTRAP_CONFIG", " \n");
    assertThat(XdsBootstrapEnvironment.isSet(blank::get)).isFalse();
    assertThat(XdsBootstrapEnvironment.isSet(Map.<String, String>of()::get)).isFalse();
  }
}
