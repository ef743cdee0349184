package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.pa;
import static io.meshlet.core.config.istio.Yaml.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.PeerAuthentication;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerAuthenticationValidationTest {
  private static final String P = "PeerAuthentication pa (mesh.yaml): ";

  private static PeerAuthentication only(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().peerAuthentications()).hasSize(1);
    return r.config().peerAuthentications().get(0);
  }

  @Test
  void everyField() {
    PeerAuthentication pa = only(pa("""
        selector: {matchLabels: {app: reviews}}
        mtls: {mode: STRICT}
        portLevelMtls:
          8080: {mode: DISABLE}
          "9090": {mode: PERMISSIVE}
        """));
    assertThat(pa).isEqualTo(new PeerAuthentication(
        new ResourceId("PeerAuthentication", "default", "pa"),
        new ResourceOrigin("file", "mesh.yaml"),
        Map.of("app", "reviews"),
        MtlsMode.STRICT,
        Map.of(8080, MtlsMode.DISABLE, 9090, MtlsMode.PERMISSIVE),
        List.of()));
  }

  @Test
  void v1beta1AndEmptySpecAreAccepted() {
    PeerAuthentication pa = only(pa("{}").replace("security.istio.io/v1", "security.istio.io/v1beta1"));
    assertThat(pa.mode()).isEqualTo(MtlsMode.UNSET);
    assertThat(pa.selector()).isEmpty();
    assertThat(only(pa("mtls: {}")).mode()).isEqualTo(MtlsMode.UNSET);
  }

  @Test
  void everyErrorWithItsPath() {
    assertThat(errors(pa("""
        mtls: {mode: ON}
        portLevelMtls:
          0: {mode: STRICT}
          http: {mode: STRICT}
          8080: {mode: strict, extra: 1}
        selectr: {matchLabels: {app: reviews}}
        """))).containsExactly(
            P + "mtls.mode: 'ON' (expected: one of UNSET, DISABLE, PERMISSIVE, STRICT)",
            P + "portLevelMtls: given without a selector (expected: portLevelMtls only on a policy with "
                + "selector.matchLabels, as Istio requires)",
            P + "portLevelMtls.0: '0' (expected: a port number 1..65535)",
            P + "portLevelMtls.http: 'http' (expected: a port number 1..65535)",
            P + "portLevelMtls.8080.mode: 'strict' (expected: one of UNSET, DISABLE, PERMISSIVE, STRICT)",
            P + "selectr: unknown field (did you mean selector?)",
            P + "portLevelMtls.8080.extra: unknown field (expected one of: mode)");
  }

  @Test
  void portLevelEntriesMustBeMappings() {
    assertThat(errors(pa("""
        selector: {matchLabels: {app: reviews}}
        portLevelMtls: {8080: STRICT}
        """))).containsExactly(P + "portLevelMtls.8080: 'STRICT' (expected: a mapping)");
    assertThat(errors(pa("portLevelMtls: [8080]"))).containsExactly(
        P + "portLevelMtls: a list (expected: a mapping of port numbers to {mode: ...})");
  }
}
