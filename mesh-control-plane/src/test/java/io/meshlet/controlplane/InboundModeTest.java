package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.Workload;
import io.meshlet.core.security.InboundPolicies;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The mode the control plane serves for a port is the one the engine picks from the same YAML. */
class InboundModeTest {
  static final Map<String, String> LABELS = Map.of("app", "reviews");
  static final NodeKey NODE = new NodeKey("default", LABELS, List.of("xds.istio.io/grpc/lds/inbound/0.0.0.0:9080"));

  static String pa(String namespace, String name, String spec) {
    return "---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: " + name
        + ", namespace: " + namespace + "}\nspec: " + spec + "\n";
  }

  /** Istio takes the oldest of competing policies; files have no age, so both take the first by name, not by file order. */
  @ParameterizedTest
  @ValueSource(strings = {"istio-system", "default"})
  void ofTwoPoliciesAtOneLevelTheFirstByNameWins(String namespace) {
    MeshConfig c = SnapshotBuilderTest.parse(pa(namespace, "b", "{mtls: {mode: DISABLE}}") + pa(namespace, "a", "{mtls: {mode: STRICT}}"));
    assertThat(InboundBuilder.mode(c, NODE, 9080)).isEqualTo(engine(c));
    assertThat(InboundBuilder.mode(c, NODE, 9080)).isEqualTo(MtlsMode.STRICT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DISABLE", "PERMISSIVE"})
  void ofTwoWorkloadPoliciesTheFirstByNameWins(String mode) {
    MeshConfig c = SnapshotBuilderTest.parse(pa("default", "z", "{selector: {matchLabels: {app: reviews}}, mtls: {mode: " + mode + "}}")
        + pa("default", "a", "{selector: {matchLabels: {app: reviews}}, mtls: {mode: STRICT}}"));
    assertThat(InboundBuilder.mode(c, NODE, 9080)).isEqualTo(engine(c)).isEqualTo(MtlsMode.STRICT);
  }

  /** With another root namespace, its namespace-wide policy is the mesh-wide one, and istio-system's is not. */
  @ParameterizedTest
  @ValueSource(strings = {"istio-system", "mesh-root"})
  void theRootNamespaceIsTheOneConfigured(String root) {
    MeshConfig c = SnapshotBuilderTest.parse(pa("istio-system", "default", "{mtls: {mode: DISABLE}}")
        + pa("mesh-root", "default", "{mtls: {mode: STRICT}}"));
    assertThat(InboundBuilder.mode(c, NODE, 9080, root)).isEqualTo(engine(c, root))
        .isEqualTo(root.equals("mesh-root") ? MtlsMode.STRICT : MtlsMode.DISABLE);
  }

  private static MtlsMode engine(MeshConfig c) {
    return engine(c, InboundPolicies.DEFAULT_ROOT_NAMESPACE);
  }

  private static MtlsMode engine(MeshConfig c, String root) {
    return InboundPolicies.compile(c, new Workload("reviews", "default", LABELS, "10.0.0.1"), root).mtlsMode(9080);
  }
}
