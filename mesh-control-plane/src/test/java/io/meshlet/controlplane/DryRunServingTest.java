package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.Workload;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.xds.translate.Translation;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Dry-run AuthorizationPolicies are served as istiod serves them (RBAC shadow_rules) and read back as dry-run. */
class DryRunServingTest {
  private static String dryRun(String name, String spec) {
    return "---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: " + name
        + "\n  namespace: default\n  annotations: {istio.io/dry-run: \"true\"}\nspec: " + spec + "\n";
  }

  @Test
  void dryRunPoliciesAreShadowRulesWithIstiodsStatPrefixesAndComeBackInDryRun() throws Exception {
    String yaml = dryRun("deny-get", "{action: DENY, rules: [{to: [{operation: {methods: [GET]}}]}]}")
        + dryRun("allow-post", "{rules: [{to: [{operation: {methods: [POST]}}]}]}")
        + SnapshotBuilderTest.policy("default", "deny-delete", "{action: DENY, rules: [{to: [{operation: {methods: [DELETE]}}]}]}");
    SnapshotBuilder.Resources r = SnapshotBuilder.build(SnapshotBuilderTest.parse(yaml),
        new NodeKey("default", Map.of(), java.util.List.of(SnapshotBuilderTest.INBOUND)));
    Listener inbound = r.listeners().stream().filter(l -> l.getName().equals(SnapshotBuilderTest.INBOUND)).findFirst()
        .orElseThrow();
    HttpConnectionManager hcm = inbound.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    Map<String, RBAC> rbac = hcm.getHttpFiltersList().stream().filter(f -> f.getName().startsWith(InboundBuilder.RBAC_ALLOW))
        .collect(Collectors.toMap(HttpFilter::getName, f -> unpack(f)));

    RBAC deny = rbac.get(InboundBuilder.RBAC_DENY);
    assertThat(deny.getRules().getPoliciesMap()).containsOnlyKeys("default-deny-delete-0");
    assertThat(deny.getShadowRules().getAction()).isEqualTo(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.DENY);
    assertThat(deny.getShadowRules().getPoliciesMap()).containsOnlyKeys("default-deny-get-0");
    assertThat(deny.getShadowRulesStatPrefix()).isEqualTo("istio_dry_run_deny_");
    RBAC allow = rbac.get(InboundBuilder.RBAC_ALLOW);
    assertThat(allow.hasRules()).as("only dry-run ALLOW policies: nothing enforced").isFalse();
    assertThat(allow.getShadowRules().getPoliciesMap()).containsOnlyKeys("default-allow-post-0");
    assertThat(allow.getShadowRulesStatPrefix()).isEqualTo("istio_dry_run_allow_");

    Translation back = io.meshlet.xds.translate.XdsTranslator.translate(SnapshotBuilderTest.resources(r), "default");
    assertThat(back.errors()).isEmpty();
    assertThat(back.config().authorizationPolicies())
        .extracting(p -> (p.dryRun() ? "dry-run " : "") + p.action() + " " + p.id().name())
        .containsExactlyInAnyOrder("DENY default-deny-delete-0", "dry-run DENY default-deny-get-0",
            "dry-run ALLOW default-allow-post-0");

    InboundPolicies engine = InboundPolicies.compile(back.config(), new Workload("reviews", "default", Map.of(), ""),
        InboundPolicies.DEFAULT_ROOT_NAMESPACE);
    SecurityYamlRoundTripTest.Call get = new SecurityYamlRoundTripTest.Call(null, false, "10.0.0.5", 9080, "GET", "/",
        Map.of());
    assertThat(engine.check(get).allowed()).as("a dry-run DENY never denies").isTrue();
    assertThat(engine.explain(get).dryRun().allowed()).isFalse();
  }

  private static RBAC unpack(HttpFilter f) {
    try {
      return f.getTypedConfig().unpack(RBAC.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  static {
    // AuthorizationPolicy.DRY_RUN_ANNOTATION is what the YAML above writes.
    assertThat(AuthorizationPolicy.DRY_RUN_ANNOTATION).isEqualTo("istio.io/dry-run");
  }
}
