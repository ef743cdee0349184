package io.meshlet.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.model.ResourceId;
import org.junit.jupiter.api.Test;

/** AuthorizationPolicy dry-run ({@code istio.io/dry-run: "true"}): evaluated, counted, explained, never enforced. */
class DryRunTest {
  private static String dryRun(String name, String value, String spec) {
    return "---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: " + name
        + "\n  namespace: default\n  annotations: {istio.io/dry-run: " + value + "}\nspec: " + spec + "\n";
  }

  private static final String DENY_GET = "{action: DENY, rules: [{to: [{operation: {methods: [GET]}}]}]}";

  @Test
  void aDryRunDenyDoesNotDenyButIsCountedAndExplained() {
    InboundPolicies p = InboundPoliciesTest.policies(dryRun("deny-get", "\"true\"", DENY_GET));
    assertThat(p.enforcesNothing()).isFalse();
    InboundDecision d = p.check(Call.plain());
    assertThat(d.allowed()).isTrue();
    assertThat(d.reason()).isEqualTo("allowed: no AuthorizationPolicy applies");
    p.check(Call.plain());
    p.check(Call.plain().request("POST", "/"));

    ResourceId id = new ResourceId("AuthorizationPolicy", "default", "deny-get");
    assertThat(p.dryRunCounts()).containsExactly(
        new DryRunCount(DryRunCount.DENY_ENGINE, id, false,
            "would be denied by DENY AuthorizationPolicy default/deny-get rules[0] (dry-run)", 2),
        new DryRunCount(DryRunCount.DENY_ENGINE, null, true, "would be allowed: no dry-run DENY rule matches", 1));

    InboundExplanation e = p.explain(Call.plain());
    assertThat(e.decision().allowed()).isTrue();
    assertThat(e.dryRun()).isNotNull();
    assertThat(e.dryRun().allowed()).isFalse();
    assertThat(e.dryRun().policy()).isEqualTo(id);
    assertThat(e.steps()).contains("dry-run DENY AuthorizationPolicy default/deny-get rules[0]: matches");
    assertThat(e.toString()).endsWith("=> dry-run (not enforced): DENY: "
        + "would be denied by DENY AuthorizationPolicy default/deny-get rules[0] (dry-run)");
    assertThat(p.dryRunCounts().get(0).count()).as("explain counts nothing").isEqualTo(2);
    assertThat(p.describe()).contains("dry-run DENY AuthorizationPolicy default/deny-get");
  }

  @Test
  void aDryRunAllowWouldDenyWhatItDoesNotMatchAndTheEnforcedPoliciesStillDecide() {
    InboundPolicies p = InboundPoliciesTest.policies(
        dryRun("allow-post", "\"true\"", "{rules: [{to: [{operation: {methods: [POST]}}]}]}")
            + InboundPoliciesTest.ap("default", "deny-delete", "{action: DENY, rules: [{to: [{operation: {methods: [DELETE]}}]}]}"));
    assertThat(p.check(Call.plain()).allowed()).isTrue();
    assertThat(p.check(Call.plain().request("DELETE", "/")).allowed()).isFalse();
    InboundExplanation e = p.explain(Call.plain());
    assertThat(e.dryRun().allowed()).isFalse();
    assertThat(e.dryRun().reason()).isEqualTo(
        "would be denied: no dry-run ALLOW policy matched (1 apply: default/allow-post)");
    assertThat(p.dryRunCounts()).extracting(DryRunCount::count).containsExactly(0L, 2L);
  }

  @Test
  void falseEnforcesAndABadValueIsAnError() {
    InboundPolicies p = InboundPoliciesTest.policies(dryRun("deny-get", "\"false\"", DENY_GET));
    assertThat(p.check(Call.plain()).allowed()).isFalse();
    assertThat(p.dryRunCounts()).isEmpty();

    IstioYaml.ParseResult r = IstioYaml.parse("test", "test.yaml", dryRun("deny-get", "maybe", DENY_GET), "default");
    assertThat(r.errors()).singleElement().asString()
        .contains("metadata.annotations.istio.io/dry-run: 'maybe' (expected: \"true\" or \"false\")");
  }

  @Test
  void checkStaysAllocationFreeWithDryRunPolicies() {
    InboundPolicies p = InboundPoliciesTest.policies(dryRun("deny-get", "\"true\"", DENY_GET));
    Call call = Call.plain();
    for (int i = 0; i < 20_000; i++) {
      p.check(call);
    }
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 50_000; i++) { // stays below 100,000 calls: no power-of-ten log line
      p.check(call);
    }
    assertThat(mx.getCurrentThreadAllocatedBytes() - before).isLessThan(16_000); // one allocation per call would be >= 800 KB
  }
}
