package io.meshlet.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.model.Workload;
import io.meshlet.xds.bootstrap.XdsBootstrap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protocol a bootstrap-built source speaks: state of the world unless MESHLET_XDS_DELTA says delta. */
class XdsProtocolChoiceTest {
  private static final Workload WORKLOAD = new Workload("reviews", "default", Map.of(), "127.0.0.1");

  @Test
  void deltaIsChosenByTheEnvironmentOnly() {
    assertThat(XdsConfigSourceProvider.deltaFromEnvironment(name -> null)).isFalse();
    assertThat(XdsConfigSourceProvider.deltaFromEnvironment(name -> " ")).isFalse();
    assertThat(XdsConfigSourceProvider.deltaFromEnvironment(Map.of("MESHLET_XDS_DELTA", "true")::get)).isTrue();
    assertThat(XdsConfigSourceProvider.deltaFromEnvironment(Map.of("MESHLET_XDS_DELTA", " TRUE ")::get)).isTrue();
    assertThat(XdsConfigSourceProvider.deltaFromEnvironment(Map.of("MESHLET_XDS_DELTA", "false")::get)).isFalse();
    assertThat(XdsConfigSourceProvider.deltaFromEnvironment(Map.of("OTHER", "true")::get)).isFalse();
  }

  @Test
  void anythingElseIsAnErrorNamingTheVariable() {
    assertThatThrownBy(() -> XdsConfigSourceProvider.deltaFromEnvironment(Map.of("MESHLET_XDS_DELTA", "yes")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("MESHLET_XDS_DELTA: 'yes' (expected: true or false)");
  }

  @Test
  void bootstrapBuilderKeepsTheProtocolOpen() {
    XdsBootstrap bootstrap = XdsBootstrap.fromJson("""
        {"xds_servers": [{"server_uri": "localhost:15010", "channel_creds": [{"type": "insecure"}],
                          "server_features": ["xds_v3"]}],
         "node": {"id": "sidecar~10.0.0.1~reviews-1.default~default.svc.cluster.local"}}
        """, "test bootstrap");
    XdsConfigSource sotw = XdsConfigSource.fromBootstrap(bootstrap, WORKLOAD, List.of());
    XdsConfigSource delta = XdsConfigSource.builderFromBootstrap(bootstrap, WORKLOAD, List.of()).delta(true).build();
    try {
      assertThat(sotw.delta()).isFalse();
      assertThat(delta.delta()).isTrue();
    } finally {
      sotw.close();
      delta.close();
    }
  }
}
