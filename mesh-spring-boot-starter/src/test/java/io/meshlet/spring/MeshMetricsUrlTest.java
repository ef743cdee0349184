package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;

/** The metrics URL announced as MESHLET_METRICS_URL: explicit, from mesh.xds.metadata, or the actuator's. */
class MeshMetricsUrlTest {
  @Test
  void theActuatorUrlFollowsTheServersPortAddressAndPaths() {
    MockEnvironment env = new MockEnvironment().withProperty("server.port", "8081").withProperty("server.address", "10.0.0.7");
    assertThat(MeshMetricsUrl.fromActuator(env)).isEqualTo("http://10.0.0.7:8081/actuator/prometheus");

    env.withProperty("server.servlet.context-path", "/shop/").withProperty("management.endpoints.web.base-path", "/manage")
        .withProperty("management.endpoints.web.path-mapping.prometheus", "metrics")
        .withProperty("server.ssl.bundle", "web");
    assertThat(MeshMetricsUrl.fromActuator(env)).isEqualTo("https://10.0.0.7:8081/shop/manage/metrics");
  }

  @Test
  void aManagementPortHasItsOwnAddressBasePathAndTls() {
    MockEnvironment env = new MockEnvironment().withProperty("server.port", "8080")
        .withProperty("server.servlet.context-path", "/shop")
        .withProperty("management.server.port", "9090").withProperty("management.server.address", "::1")
        .withProperty("management.server.base-path", "/ops");
    assertThat(MeshMetricsUrl.fromActuator(env)).isEqualTo("http://[::1]:9090/ops/actuator/prometheus");
  }

  @Test
  void noUrlWhenThePortIsChosenAtStartOrHttpManagementIsOff() {
    assertThat(MeshMetricsUrl.fromActuator(new MockEnvironment().withProperty("server.port", "0"))).isNull();
    assertThat(MeshMetricsUrl.fromActuator(new MockEnvironment().withProperty("management.server.port", "-1"))).isNull();
  }

  @Test
  void unsetPortIsBootsDefaultAndAWildcardAddressIsThisHostsAddress() throws Exception {
    String self = InetAddress.getLocalHost().getHostAddress();
    assertThat(MeshMetricsUrl.fromActuator(new MockEnvironment().withProperty("server.address", "0.0.0.0")))
        .isEqualTo("http://" + (self.contains(":") ? "[" + self + "]" : self) + ":8080/actuator/prometheus");
  }

  @Test
  void theExplicitUrlWinsAndMustAgreeWithTheMetadataMap() {
    MockEnvironment env = new MockEnvironment().withProperty("server.port", "8080");
    MeshProperties p = new MeshProperties();
    p.getXds().setMetadata(Map.of("WORKLOAD_NAME", "productpage-v1"));
    assertThat(MeshFactory.nodeMetadata(p, env, true))
        .containsEntry("WORKLOAD_NAME", "productpage-v1")
        .containsKey(MeshMetricsUrl.METADATA);
    assertThat(MeshFactory.nodeMetadata(p, env, false)).doesNotContainKey(MeshMetricsUrl.METADATA);
    p.getTelemetry().setMetricsUrlFromActuator(false);
    assertThat(MeshFactory.nodeMetadata(p, env, true)).doesNotContainKey(MeshMetricsUrl.METADATA);

    p.getTelemetry().setMetricsUrl("http://10.0.0.7:9464/metrics");
    assertThat(MeshFactory.nodeMetadata(p, env, true)).containsEntry(MeshMetricsUrl.METADATA, "http://10.0.0.7:9464/metrics");

    p.getXds().setMetadata(Map.of(MeshMetricsUrl.METADATA, "http://10.0.0.8:9464/metrics"));
    assertThatThrownBy(() -> MeshFactory.nodeMetadata(p, env, true)).hasMessage(
        "mesh.telemetry.metrics-url: 'http://10.0.0.7:9464/metrics' but mesh.xds.metadata.MESHLET_METRICS_URL is "
            + "'http://10.0.0.8:9464/metrics' (expected: one of the two, or the same URL)");

    p.getTelemetry().setMetricsUrl(null);
    assertThat(MeshFactory.nodeMetadata(p, env, true)).containsEntry(MeshMetricsUrl.METADATA, "http://10.0.0.8:9464/metrics");
  }

  @Test
  void aMetricsUrlThatIsNotAnAbsoluteHttpUrlIsRefusedNamingTheProperty() {
    MeshProperties.Telemetry t = new MeshProperties.Telemetry();
    t.setMetricsUrl("10.0.0.7:9464/metrics");
    assertThatThrownBy(() -> MeshMetricsUrl.explicit(t)).hasMessageStartingWith("mesh.telemetry.metrics-url: '10.0.0.7:9464/metrics'")
        .hasMessageContaining("expected: an absolute http or https URL");
    t.setMetricsUrl("http://bad host/");
    assertThatThrownBy(() -> MeshMetricsUrl.explicit(t)).hasMessageStartingWith("mesh.telemetry.metrics-url: 'http://bad host/'");
  }

  @Test
  void metadataKeysInBracketsKeepTheirCaseAndNestedValuesBind() {
    MockEnvironment env = new MockEnvironment()
        .withProperty("mesh.xds.metadata[MESHLET_METRICS_URL]", "http://10.0.0.7:8080/actuator/prometheus")
        .withProperty("mesh.xds.metadata[LABELS].app", "productpage");
    MeshProperties p = Binder.get(env).bind("mesh", MeshProperties.class).get();
    assertThat(p.getXds().getMetadata()).containsEntry("MESHLET_METRICS_URL", "http://10.0.0.7:8080/actuator/prometheus");
    assertThat(p.getXds().getMetadata().get("LABELS")).isEqualTo(Map.of("app", "productpage"));
  }
}
