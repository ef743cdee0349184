package io.meshlet.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.PeerAuthentication;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.Workload;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Istio's PeerAuthentication precedence and AuthorizationPolicy evaluation, for reviews-v1 in default. */
class InboundPoliciesTest {
  private static final Workload REVIEWS =
      new Workload("reviews", "default", Map.of("app", "reviews", "version", "v1"), "10.0.0.5");

  static InboundPolicies policies(String yaml) {
    return policies(yaml, InboundPolicies.DEFAULT_ROOT_NAMESPACE);
  }

  static InboundPolicies policies(String yaml, String root) {
    return policies(yaml, root, 0);
  }

  static InboundPolicies policies(String yaml, String root, int numTrustedProxies) {
    IstioYaml.ParseResult r = IstioYaml.parse("test", "test.yaml", yaml, "default");
    assertThat(r.errors()).isEmpty();
    return InboundPolicies.compile(r.config(), REVIEWS, root, numTrustedProxies);
  }

  static String pa(String namespace, String name, String spec) {
    return doc("PeerAuthentication", namespace, name, spec);
  }

  static String ap(String namespace, String name, String spec) {
    return doc("AuthorizationPolicy", namespace, name, spec);
  }

  private static String doc(String kind, String namespace, String name, String spec) {
    return "---\napiVersion: security.istio.io/v1\nkind: " + kind + "\nmetadata: {name: " + name + ", namespace: "
        + namespace + "}\nspec: " + spec + "\n";
  }

  // ---- PeerAuthentication -----------------------------------------------------------------------

  @Test
  void withoutPoliciesEverythingIsPermissiveAndAllowed() {
    InboundPolicies p = policies("");
    assertThat(p.mtlsMode(9080)).isEqualTo(MtlsMode.PERMISSIVE);
    InboundDecision d = p.check(Call.plain());
    assertThat(d).isEqualTo(new InboundDecision(true, MtlsMode.PERMISSIVE, null, "allowed: no AuthorizationPolicy applies"));
    assertThat(InboundPolicies.NONE.check(Call.plain()).allowed()).isTrue();
  }

  @Test
  void meshWideStrictRefusesPlaintextAndCallsWithoutACertificate() {
    InboundPolicies p = policies(pa("istio-system", "default", "{mtls: {mode: STRICT}}"));
    assertThat(p.mtlsMode(9080)).isEqualTo(MtlsMode.STRICT);
    assertThat(p.mtlsSource(9080)).isEqualTo(new ResourceId("PeerAuthentication", "istio-system", "default"));
    assertThat(p.check(Call.plain())).isEqualTo(new InboundDecision(false, MtlsMode.STRICT,
        new ResourceId("PeerAuthentication", "istio-system", "default"),
        "denied: mTLS STRICT (PeerAuthentication istio-system/default) and the call is plaintext"));
    assertThat(p.check(Call.plain().secureWithoutCertificate()).reason()).isEqualTo(
        "denied: mTLS STRICT (PeerAuthentication istio-system/default) and the call has no client certificate");
    assertThat(p.check(Call.from("default", "productpage")).allowed()).isTrue();
  }

  static Stream<Arguments> precedence() {
    String mesh = pa("istio-system", "mesh", "{mtls: {mode: STRICT}}");
    return Stream.of(
        Arguments.of("namespace overrides mesh", mesh + pa("default", "ns", "{mtls: {mode: PERMISSIVE}}"),
            MtlsMode.PERMISSIVE, "ns"),
        Arguments.of("namespace UNSET inherits mesh", mesh + pa("default", "ns", "{mtls: {mode: UNSET}}"),
            MtlsMode.STRICT, "mesh"),
        Arguments.of("no mtls at all is UNSET", mesh + pa("default", "ns", "{}"), MtlsMode.STRICT, "mesh"),
        Arguments.of("workload overrides namespace",
            mesh + pa("default", "ns", "{mtls: {mode: PERMISSIVE}}")
                + pa("default", "wl", "{selector: {matchLabels: {app: reviews}}, mtls: {mode: DISABLE}}"),
            MtlsMode.DISABLE, "wl"),
        Arguments.of("workload UNSET inherits namespace",
            pa("default", "ns", "{mtls: {mode: DISABLE}}")
                + pa("default", "wl", "{selector: {matchLabels: {app: reviews}}, mtls: {mode: UNSET}}"),
            MtlsMode.DISABLE, "ns"),
        Arguments.of("a selector that does not match is skipped",
            mesh + pa("default", "wl", "{selector: {matchLabels: {app: ratings}}, mtls: {mode: DISABLE}}"),
            MtlsMode.STRICT, "mesh"),
        Arguments.of("another namespace does not apply", pa("prod", "ns", "{mtls: {mode: STRICT}}"),
            MtlsMode.PERMISSIVE, null),
        Arguments.of("a root-namespace policy with a selector is for the root namespace only",
            pa("istio-system", "wl", "{selector: {matchLabels: {app: reviews}}, mtls: {mode: STRICT}}"),
            MtlsMode.PERMISSIVE, null),
        Arguments.of("of two namespace policies the first by name wins",
            pa("default", "b", "{mtls: {mode: DISABLE}}") + pa("default", "a", "{mtls: {mode: STRICT}}"),
            MtlsMode.STRICT, "a"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("precedence")
  void peerAuthenticationPrecedence(String name, String yaml, MtlsMode expected, String source) {
    InboundPolicies p = policies(yaml);
    assertThat(p.mtlsMode(9080)).isEqualTo(expected);
    ResourceId id = p.mtlsSource(9080);
    assertThat(id == null ? null : id.name()).isEqualTo(source);
  }

  @Test
  void portLevelMtlsOverridesForItsPortAndUnsetInherits() {
    InboundPolicies p = policies(pa("default", "wl", """
        {selector: {matchLabels: {app: reviews}}, mtls: {mode: STRICT},
         portLevelMtls: {8080: {mode: DISABLE}, 8443: {mode: UNSET}}}"""));
    assertThat(p.mtlsMode(9080)).isEqualTo(MtlsMode.STRICT);
    assertThat(p.mtlsMode(8080)).isEqualTo(MtlsMode.DISABLE);
    assertThat(p.mtlsMode(8443)).isEqualTo(MtlsMode.STRICT);
    assertThat(p.check(Call.plain().port(8080)).allowed()).isTrue();
    assertThat(p.check(Call.plain().port(8443)).reason()).isEqualTo(
        "denied: mTLS STRICT (PeerAuthentication default/wl) on port 8443 and the call is plaintext");
  }

  /**
   * xDS gives the workload's inbound listeners as one policy without a selector, with a mode per
   * served port (YAML cannot say this: Istio refuses portLevelMtls without a selector). Its port
   * modes must count, else an xDS workload would never enforce STRICT.
   */
  @Test
  void portLevelMtlsOfANamespacePolicyCountsWhenNoWorkloadPolicyApplies() {
    ResourceId id = new ResourceId("PeerAuthentication", "default", "xds-inbound");
    PeerAuthentication inbound = new PeerAuthentication(id, new ResourceOrigin("xds", "Listener inbound"), Map.of(),
        MtlsMode.UNSET, Map.of(9080, MtlsMode.STRICT, 9443, MtlsMode.DISABLE), List.of());
    IstioYaml.ParseResult mesh = IstioYaml.parse("test", "test.yaml", pa("istio-system", "mesh", "{mtls: {mode: PERMISSIVE}}"),
        "default");
    InboundPolicies p = InboundPolicies.compile(new MeshConfig(List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of(inbound, mesh.config().peerAuthentications().get(0)), List.of()), REVIEWS, InboundPolicies.DEFAULT_ROOT_NAMESPACE);

    assertThat(p.mtlsMode(9080)).isEqualTo(MtlsMode.STRICT);
    assertThat(p.mtlsSource(9080)).isEqualTo(id);
    assertThat(p.mtlsMode(9443)).isEqualTo(MtlsMode.DISABLE);
    assertThat(p.mtlsMode(8080)).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(p.check(Call.plain().port(9080)).allowed()).isFalse();
    assertThat(p.check(Call.plain().port(9443)).allowed()).isTrue();
  }

  @Test
  void theRootNamespaceIsConfigurable() {
    String yaml = pa("mesh-root", "default", "{mtls: {mode: STRICT}}");
    assertThat(policies(yaml).mtlsMode(9080)).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(policies(yaml, "mesh-root").mtlsMode(9080)).isEqualTo(MtlsMode.STRICT);
  }

  // ---- AuthorizationPolicy evaluation -----------------------------------------------------------

  @Test
  void anAllowPolicyWithoutRulesDeniesEverything() {
    InboundPolicies p = policies(ap("default", "allow-nothing", "{}"));
    assertThat(p.check(Call.from("default", "productpage"))).isEqualTo(new InboundDecision(false, MtlsMode.PERMISSIVE,
        null, "denied: no ALLOW policy matched (1 apply: default/allow-nothing)"));
  }

  @Test
  void anEmptyRuleAllowsEverything() {
    InboundPolicies p = policies(ap("default", "allow-all", "{rules: [{}]}"));
    assertThat(p.check(Call.plain())).isEqualTo(new InboundDecision(true, MtlsMode.PERMISSIVE,
        new ResourceId("AuthorizationPolicy", "default", "allow-all"),
        "allowed by AuthorizationPolicy default/allow-all rules[0]"));
  }

  @Test
  void denyWinsOverAllowAndAuditChangesNothing() {
    InboundPolicies p = policies(ap("default", "allow-all", "{rules: [{}]}")
        + ap("default", "deny-post", "{action: DENY, rules: [{to: [{operation: {methods: [POST]}}]}]}")
        + ap("default", "audit-all", "{action: AUDIT, rules: [{}]}"));
    assertThat(p.check(Call.plain().request("POST", "/")).reason())
        .isEqualTo("denied by AuthorizationPolicy default/deny-post rules[0]");
    assertThat(p.check(Call.plain().request("POST", "/")).policy())
        .isEqualTo(new ResourceId("AuthorizationPolicy", "default", "deny-post"));
    assertThat(p.check(Call.plain()).reason()).isEqualTo("allowed by AuthorizationPolicy default/allow-all rules[0]");
    assertThat(policies(ap("default", "audit-all", "{action: AUDIT, rules: [{}]}")).check(Call.plain()).reason())
        .isEqualTo("allowed: no AuthorizationPolicy applies");
    assertThat(policies(ap("default", "deny-post", "{action: DENY, rules: [{to: [{operation: {methods: [POST]}}]}]}"))
        .check(Call.plain()).reason()).isEqualTo("allowed: no DENY rule matched and no ALLOW policy applies");
  }

  @Test
  void noAllowMatchedListsThePoliciesAndTheSecondRuleIsNamed() {
    InboundPolicies p = policies(
        ap("default", "b", "{rules: [{to: [{operation: {paths: [/b]}}]}, {to: [{operation: {paths: [/b2]}}]}]}")
        + ap("default", "a", "{rules: [{to: [{operation: {paths: [/a]}}]}]}"));
    assertThat(p.check(Call.plain().request("GET", "/c")).reason())
        .isEqualTo("denied: no ALLOW policy matched (2 apply: default/a, default/b)");
    assertThat(p.check(Call.plain().request("GET", "/b2")).reason())
        .isEqualTo("allowed by AuthorizationPolicy default/b rules[1]");
  }

  @Test
  void scopeNamespaceRootAndSelector() {
    String deny = "{action: DENY, rules: [{}]}";
    assertThat(policies(ap("prod", "x", deny)).check(Call.plain()).allowed()).isTrue();
    assertThat(policies(ap("istio-system", "x", deny)).check(Call.plain()).allowed()).isFalse();
    assertThat(policies(ap("istio-system", "x", "{selector: {matchLabels: {app: reviews}}, action: DENY, rules: [{}]}"))
        .check(Call.plain()).allowed()).isFalse();
    assertThat(policies(ap("default", "x", "{selector: {matchLabels: {app: reviews, version: v1}}, action: DENY, "
        + "rules: [{}]}")).check(Call.plain()).allowed()).isFalse();
    assertThat(policies(ap("default", "x", "{selector: {matchLabels: {app: reviews, version: v2}}, action: DENY, "
        + "rules: [{}]}")).check(Call.plain()).allowed()).isTrue();
  }

  @Test
  void enforcesNothingOnlyWithoutStrictAndWithoutPoliciesThatDecide() {
    assertThat(InboundPolicies.NONE.enforcesNothing()).isTrue();
    assertThat(policies("").enforcesNothing()).isTrue();
    assertThat(policies(pa("default", "ns", "{mtls: {mode: DISABLE}}")
        + ap("default", "audit", "{action: AUDIT, rules: [{}]}")).enforcesNothing()).isTrue();
    assertThat(policies(pa("default", "ns", "{mtls: {mode: STRICT}}")).enforcesNothing()).isFalse();
    assertThat(policies(pa("default", "w", "{selector: {matchLabels: {app: reviews}}, mtls: {mode: PERMISSIVE}, "
        + "portLevelMtls: {9080: {mode: STRICT}}}")).enforcesNothing()).isFalse();
    assertThat(policies(ap("default", "a", "{action: ALLOW}")).enforcesNothing()).isFalse();
    assertThat(policies(ap("default", "d", "{action: DENY, rules: [{}]}")).enforcesNothing()).isFalse();
    assertThat(policies(ap("default", "c", "{action: CUSTOM, provider: {name: ext}, rules: [{}]}")).enforcesNothing())
        .isFalse();
    assertThat(policies(ap("prod", "d", "{action: DENY, rules: [{}]}")).enforcesNothing()).as("not ours").isTrue();
  }

  @Test
  void targetRefPoliciesAreNotApplied() {
    InboundPolicies p = policies(ap("default", "gw", "{targetRefs: [{kind: Gateway, name: gw}], action: DENY, rules: [{}]}"));
    assertThat(p.check(Call.plain()).reason()).isEqualTo("allowed: no AuthorizationPolicy applies");
    assertThat(p.explain(Call.plain()).steps()).contains(
        "DENY AuthorizationPolicy default/gw: not applied (it names targetRefs [Gateway default/gw])");
  }

  /** Security review: CUSTOM policies were ignored, so calls meant for external authorization were allowed. */
  @Test
  void aCallACustomPolicyWouldSendToExternalAuthorizationIsDenied() {
    InboundPolicies p = policies(ap("default", "ext", "{action: CUSTOM, provider: {name: ext}, "
        + "rules: [{to: [{operation: {paths: [\"/admin/*\"]}}]}]}")
        + ap("default", "all", "{action: ALLOW, rules: [{}]}"));
    ResourceId ext = new ResourceId("AuthorizationPolicy", "default", "ext");
    assertThat(p.check(Call.plain().request("GET", "/admin/stats"))).isEqualTo(new InboundDecision(false,
        MtlsMode.PERMISSIVE, ext, "denied by CUSTOM AuthorizationPolicy default/ext rules[0]: external "
            + "authorization is not supported by Meshlet, so the calls it would check are denied"));
    assertThat(p.check(Call.plain().request("GET", "/reviews/1")).reason())
        .isEqualTo("allowed by AuthorizationPolicy default/all rules[0]");
    assertThat(p.explain(Call.plain().request("GET", "/admin/stats")).steps()).contains(
        "CUSTOM AuthorizationPolicy default/ext rules[0]: matches");
    assertThat(p.describe()).contains("CUSTOM AuthorizationPolicy default/ext");
    // Checked before DENY, as Istio does.
    assertThat(policies(ap("default", "a", "{action: DENY, rules: [{}]}")
        + ap("default", "b", "{action: CUSTOM, provider: {name: ext}, rules: [{}]}")).check(Call.plain()).policy())
        .isEqualTo(new ResourceId("AuthorizationPolicy", "default", "b"));
  }

  /**
   * Security review: the first X-Forwarded-For entry was trusted unconditionally, so a client could
   * claim any remote address. As Envoy's xff_num_trusted_hops: with N trusted proxies the address N
   * entries from the right is the client; with fewer entries (or none, or N = 0) the connection's.
   */
  @Test
  void remoteIpIsTheConnectionUnlessTrustedProxiesAppendToXForwardedFor() {
    String deny = ap("default", "block", "{action: DENY, rules: [{from: [{source: {remoteIpBlocks: [203.0.113.0/24]}}]}]}");
    Call forged = Call.plain().address("203.0.113.7").header("X-Forwarded-For", "10.1.1.1");
    assertThat(policies(deny).check(forged).allowed()).as("0 trusted proxies: XFF ignored").isFalse();
    assertThat(policies(deny).check(Call.plain().header("X-Forwarded-For", "203.0.113.7")).allowed()).isTrue();
    assertThat(policies(deny).explain(forged).steps()).contains("DENY AuthorizationPolicy default/block rules[0]: "
        + "matches");

    Call proxied = Call.plain().header("X-Forwarded-For", "10.1.1.1, 203.0.113.7 ,10.2.2.2");
    String root = InboundPolicies.DEFAULT_ROOT_NAMESPACE;
    assertThat(policies(deny, root, 1).check(proxied).allowed()).as("1 hop: 10.2.2.2").isTrue();
    assertThat(policies(deny, root, 2).check(proxied).allowed()).as("2 hops: 203.0.113.7").isFalse();
    assertThat(policies(deny, root, 3).check(proxied).allowed()).as("3 hops: 10.1.1.1").isTrue();
    assertThat(policies(deny, root, 4).check(proxied.address("203.0.113.9")).allowed())
        .as("fewer entries than hops: the connection").isFalse();
    assertThat(policies(deny, root, 1).check(Call.plain().address("203.0.113.9").header("X-Forwarded-For", "junk"))
        .allowed()).as("not an address: the connection").isFalse();
    assertThat(policies(deny, root, 1).check(Call.plain().address("203.0.113.9").header("X-Forwarded-For", "10.1.1.1,"))
        .allowed()).as("empty last entry: the connection").isFalse();
    assertThat(policies(deny, root, 1).explain(proxied).steps()).contains("DENY AuthorizationPolicy default/block "
        + "rules[0]: no match: no source matches: from[0].source.remoteIpBlocks [203.0.113.0/24] do not match remote "
        + "address '10.2.2.2' (X-Forwarded-For, 1 trusted proxy)");
    // ipBlocks is always the connection.
    String denyIp = ap("default", "block", "{action: DENY, rules: [{from: [{source: {ipBlocks: [203.0.113.0/24]}}]}]}");
    assertThat(policies(denyIp, root, 2).check(proxied).allowed()).isTrue();
  }

  /**
   * Second security review: only the first X-Forwarded-For line was read, so behind a proxy that adds
   * a line of its own instead of appending, the client's own line was chosen. Envoy joins all lines
   * before counting from the right.
   */
  @Test
  void xForwardedForEntriesAreCountedFromTheRightAcrossAllHeaderLines() {
    String deny = ap("default", "block", "{action: DENY, rules: [{from: [{source: {remoteIpBlocks: [203.0.113.0/24]}}]}]}");
    String root = InboundPolicies.DEFAULT_ROOT_NAMESPACE;
    // The client wrote "10.1.1.1"; the proxy next to the workload added a new line with the real address.
    Call twoLines = Call.plain().header("X-Forwarded-For", "10.1.1.1\n203.0.113.7");
    assertThat(policies(deny, root, 1).check(twoLines).allowed()).as("1 hop: the proxy's line").isFalse();
    assertThat(policies(deny, root, 1).explain(twoLines).steps()).contains("DENY AuthorizationPolicy default/block "
        + "rules[0]: matches");
    assertThat(policies(deny, root, 2).check(twoLines).allowed()).as("2 hops: the client's line").isTrue();
    Call mixed = Call.plain().header("X-Forwarded-For", "10.1.1.1, 203.0.113.8\n10.2.2.2");
    assertThat(policies(deny, root, 2).check(mixed).allowed()).as("2 hops: last entry of the first line").isFalse();
    assertThat(policies(deny, root, 2).explain(mixed).steps()).contains("DENY AuthorizationPolicy default/block "
        + "rules[0]: matches");
    assertThat(policies(deny, root, 3).check(mixed).allowed()).as("3 hops: 10.1.1.1").isTrue();
    assertThat(policies(deny, root, 4).check(mixed.address("203.0.113.9")).allowed())
        .as("fewer entries than hops over all lines: the connection").isFalse();
    assertThat(policies(deny, root, 1).check(Call.plain().address("203.0.113.9").header("X-Forwarded-For", "10.1.1.1\n"))
        .allowed()).as("empty last line: the connection").isFalse();
  }

  /** One ALLOW rule {@code rule} and whether {@code call} is allowed by it. */
  static Stream<Arguments> matching() {
    Call peer = Call.from("default", "productpage");
    return Stream.of(
        row("{from: [{source: {principals: [cluster.local/ns/default/sa/productpage]}}]}", peer, true),
        row("{from: [{source: {principals: [cluster.local/ns/default/sa/productpage]}}]}", Call.plain(), false),
        row("{from: [{source: {principals: [\"*\"]}}]}", Call.plain(), false),
        row("{from: [{source: {principals: [\"*\"]}}]}", peer, true),
        row("{from: [{source: {principals: [\"cluster.local/ns/default/*\"]}}]}", peer, true),
        row("{from: [{source: {principals: [\"*/sa/productpage\"]}}]}", peer, true),
        row("{from: [{source: {principals: [\"*/sa/product\"]}}]}", peer, false),
        row("{from: [{source: {principals: [cluster.local/ns/default/sa/productpag]}}]}", peer, false),
        row("{from: [{source: {notPrincipals: [\"*\"]}}]}", Call.plain(), true),
        row("{from: [{source: {notPrincipals: [\"*\"]}}]}", peer, false),
        row("{from: [{source: {namespaces: [default]}}]}", peer, true),
        row("{from: [{source: {namespaces: [default]}}]}", Call.plain(), false),
        row("{from: [{source: {namespaces: [\"prod*\"]}}]}", Call.from("production", "x"), true),
        row("{from: [{source: {notNamespaces: [default]}}]}", Call.plain(), true),
        row("{from: [{source: {notNamespaces: [default]}}]}", peer, false),
        row("{from: [{source: {ipBlocks: [10.0.0.0/24]}}]}", Call.plain(), true),
        row("{from: [{source: {ipBlocks: [10.0.1.0/24]}}]}", Call.plain(), false),
        row("{from: [{source: {ipBlocks: [\"fd00::/8\"]}}]}", Call.plain().address("fd00::12"), true),
        row("{from: [{source: {notIpBlocks: [10.0.0.9]}}]}", Call.plain(), false),
        // numTrustedProxies 0 (the default): X-Forwarded-For is the client's to write, so it is not read.
        row("{from: [{source: {remoteIpBlocks: [203.0.113.0/24]}}]}",
            Call.plain().header("X-Forwarded-For", "203.0.113.7, 10.0.0.1"), false),
        row("{from: [{source: {remoteIpBlocks: [10.0.0.1]}}]}",
            Call.plain().header("X-Forwarded-For", "203.0.113.7, 10.0.0.1"), false),
        row("{from: [{source: {remoteIpBlocks: [10.0.0.9]}}]}",
            Call.plain().header("X-Forwarded-For", "203.0.113.7, 10.0.0.1"), true),
        row("{from: [{source: {remoteIpBlocks: [10.0.0.9]}}]}", Call.plain(), true),
        row("{from: [{source: {requestPrincipals: [\"*\"]}}]}", peer, false),
        row("{from: [{source: {notRequestPrincipals: [\"*\"]}}]}", peer, true),
        row("{from: [{source: {namespaces: [prod]}}, {source: {namespaces: [default]}}]}", peer, true),
        row("{from: [{source: {namespaces: [default], ipBlocks: [192.168.0.0/16]}}]}", peer, false),
        row("{to: [{operation: {hosts: [REVIEWS]}}]}", Call.plain(), true),
        row("{to: [{operation: {hosts: [\"reviews:9080\"]}}]}", Call.plain(), true),
        row("{to: [{operation: {hosts: [\"reviews:9443\"]}}]}", Call.plain(), false),
        row("{to: [{operation: {hosts: [\"*.example.com\"]}}]}", Call.plain().host("API.Example.com"), true),
        row("{to: [{operation: {notHosts: [reviews]}}]}", Call.plain(), false),
        row("{to: [{operation: {ports: [\"9080\"]}}]}", Call.plain(), true),
        row("{to: [{operation: {ports: [\"9443\"]}}]}", Call.plain(), false),
        row("{to: [{operation: {notPorts: [\"9080\"]}}]}", Call.plain(), false),
        row("{to: [{operation: {methods: [GET]}}]}", Call.plain(), true),
        row("{to: [{operation: {methods: [get]}}]}", Call.plain(), false),
        row("{to: [{operation: {notMethods: [POST]}}]}", Call.plain(), true),
        row("{to: [{operation: {paths: [/reviews/1]}}]}", Call.plain().request("GET", "/reviews/1"), true),
        row("{to: [{operation: {paths: [/reviews/1]}}]}", Call.plain().request("GET", "/reviews/10"), false),
        row("{to: [{operation: {paths: [/reviews/*]}}]}", Call.plain().request("GET", "/reviews/10"), true),
        row("{to: [{operation: {paths: [\"*.png\"]}}]}", Call.plain().request("GET", "/img/a.png"), true),
        row("{to: [{operation: {paths: [\"*\"]}}]}", Call.plain(), true),
        row("{to: [{operation: {notPaths: [/admin*]}}]}", Call.plain().request("GET", "/admin/x"), false),
        row("{to: [{operation: {methods: [POST]}}, {operation: {paths: [/]}}]}", Call.plain(), true),
        row("{when: [{key: \"request.headers[x-user]\", values: [\"admin*\"]}]}",
            Call.plain().header("X-User", "admin-7"), true),
        row("{when: [{key: \"request.headers[x-user]\", values: [\"admin*\"]}]}", Call.plain(), false),
        row("{when: [{key: \"request.headers[x-user]\", notValues: [guest]}]}", Call.plain(), true),
        row("{when: [{key: \"request.headers[x-user]\", values: [\"*\"], notValues: [guest]}]}",
            Call.plain().header("x-user", "guest"), false),
        row("{when: [{key: source.ip, values: [10.0.0.0/8]}]}", Call.plain(), true),
        row("{when: [{key: remote.ip, values: [203.0.113.7]}]}",
            Call.plain().header("x-forwarded-for", "203.0.113.7"), false),
        row("{when: [{key: remote.ip, values: [10.0.0.9]}]}",
            Call.plain().header("x-forwarded-for", "203.0.113.7"), true),
        row("{when: [{key: source.namespace, values: [default]}]}", peer, true),
        row("{when: [{key: source.principal, values: [cluster.local/ns/default/sa/productpage]}]}", peer, true),
        row("{when: [{key: source.principal, notValues: [\"*\"]}]}", Call.plain(), true),
        row("{when: [{key: destination.port, values: [\"9080\"]}]}", Call.plain(), true),
        row("{when: [{key: destination.port, values: [\"9081\"]}]}", Call.plain(), false),
        row("{when: [{key: connection.sni, values: [\"*\"]}]}", peer, false),
        row("{when: [{key: \"request.auth.claims[iss]\", values: [\"*\"]}]}", peer, false),
        row("{when: [{key: \"request.auth.claims[iss]\", notValues: [x]}]}", peer, true),
        row("{when: [{key: source.ip, values: [10.0.0.0/8]}, {key: destination.port, values: [\"1\"]}]}",
            Call.plain(), false),
        row("{from: [{source: {namespaces: [default]}}], to: [{operation: {methods: [GET]}}]}",
            peer.request("POST", "/"), false));
  }

  private static Arguments row(String rule, Call call, boolean allowed) {
    return Arguments.of(rule, call, allowed);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("matching")
  void ruleMatching(String rule, Call call, boolean allowed) {
    InboundPolicies p = policies(ap("default", "allow", "{rules: [" + rule + "]}"));
    InboundDecision d = p.check(call);
    assertThat(d.allowed()).as(d.reason()).isEqualTo(allowed);
    // explain walks the same checks: a rule it calls matching is one check() found.
    assertThat(p.explain(call).steps().get(1).endsWith(": matches")).isEqualTo(allowed);
  }

  @Test
  void decisionsArePrebuilt() {
    InboundPolicies p = policies(ap("default", "allow", "{rules: [{to: [{operation: {paths: [/ok]}}]}]}"));
    Call ok = Call.plain().request("GET", "/ok");
    assertThat(p.check(ok)).isSameAs(p.check(ok.header("x", "y")));
    assertThat(p.check(Call.plain())).isSameAs(p.check(Call.plain().request("GET", "/no")));
  }

  @Test
  void explainSaysWhyEachRuleDidNotMatch() {
    InboundPolicies p = policies(pa("default", "strict", "{mtls: {mode: STRICT}}")
        + ap("default", "deny-post", "{action: DENY, rules: [{to: [{operation: {methods: [POST]}}]}]}")
        + ap("default", "allow", """
            {rules: [{from: [{source: {principals: [cluster.local/ns/default/sa/productpage]}},
                             {source: {namespaces: [prod]}}]},
                     {to: [{operation: {paths: [/health]}}], when: [{key: "request.headers[x-probe]", values: [yes]}]}]}"""));
    InboundExplanation e = p.explain(Call.from("default", "ratings").request("GET", "/health"));
    assertThat(e.steps()).containsExactly(
        "mTLS STRICT on port 9080 (PeerAuthentication default/strict); peer cluster.local/ns/default/sa/ratings",
        "DENY AuthorizationPolicy default/deny-post rules[0]: no match: no operation matches: "
            + "to[0].operation.methods ['POST'] do not match method 'GET'",
        "ALLOW AuthorizationPolicy default/allow rules[0]: no match: no source matches: "
            + "from[0].source.principals ['cluster.local/ns/default/sa/productpage'] do not match "
            + "peer 'cluster.local/ns/default/sa/ratings'; "
            + "from[1].source.namespaces ['prod'] do not match peer namespace 'default'",
        "ALLOW AuthorizationPolicy default/allow rules[1]: no match: "
            + "when[0] request.headers[x-probe] values ['yes'] do not match header x-probe absent");
    assertThat(e.decision().reason()).isEqualTo("denied: no ALLOW policy matched (1 apply: default/allow)");
    assertThat(e.toString()).endsWith("\n=> DENY: denied: no ALLOW policy matched (1 apply: default/allow)");
  }
}
