package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.ap;
import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.se;
import static io.meshlet.core.config.istio.Yaml.security;
import static io.meshlet.core.config.istio.Yaml.vs;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.ServiceEntry;
import org.junit.jupiter.api.Test;

/**
 * Documents Istio accepts (its samples, its validation test data, its API reference) that Meshlet
 * once refused whole: each is accepted now, applied or warned, and what Istio refuses stays refused.
 */
class IstioAcceptedRefusalsTest {
  @Test
  void istioOperatorIsNotMeshConfigAndIsIgnoredWithAWarning() {
    String yaml = """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        spec:
          profile: demo
          meshConfig: {accessLogFile: /dev/stdout}
        ---
        apiVersion: install.istio.io/v1alpha2
        kind: IstioOperator
        metadata: {name: install}
        """;
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(
        "IstioOperator <unnamed> (mesh.yaml): kind IstioOperator (apiVersion install.istio.io/v1alpha1) is not a mesh "
            + "config kind (it describes an Istio installation); ignored",
        "IstioOperator install (mesh.yaml): kind IstioOperator (apiVersion install.istio.io/v1alpha2) is not a mesh "
            + "config kind (it describes an Istio installation); ignored");
    assertThat(parse(yaml).config().size()).isZero();
  }

  @Test
  void websocketUpgradeIsAcceptedAndWarnedAsRemoved() {
    String yaml = vs("""
        hosts: [tornado]
        http:
        - websocketUpgrade: true
          route:
          - destination: {host: tornado}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly("VirtualService reviews (mesh.yaml): http[0].websocketUpgrade: removed "
        + "from Istio's API (WebSocket upgrades need no setting since Istio 1.0); ignored");
    assertThat(parse(yaml).config().virtualServices().get(0).http()).hasSize(1);
  }

  @Test
  void redirectPrefixRewriteIsValidatedAsInIstio() {
    // The example of istio/api's HTTPRedirect reference, written in snake_case as there.
    String yaml = vs("""
        hosts: [example.com]
        http:
        - match:
          - uri:
              prefix: /foo/
          redirect:
            authority: foo.example.com
            prefix_rewrite: /
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).isEmpty(); // applied: RedirectPrefixRewriteTest
    assertThat(errors(yaml.replace("prefix: /foo/", "exact: /foo/"))).containsExactly("VirtualService reviews"
        + " (mesh.yaml): http[0].redirect.prefix_rewrite: '/' with a uri match that is not a prefix (expected: every uri"
        + " match of the rule a prefix match, as Istio requires)");
    assertThat(errors(yaml.replace("authority: foo.example.com", "uri: /bar"))).containsExactly("VirtualService"
        + " reviews (mesh.yaml): http[0].redirect.prefix_rewrite: given with uri (expected: one of uri or prefixRewrite)");
  }

  @Test
  void jwtClaimHeaderMatchesAreAcceptedAndNeverMatchOutbound() {
    String yaml = vs("""
        hosts: [reviews]
        http:
        - match:
          - headers:
              "@request.auth.claims.groups": {exact: group1}
            withoutHeaders:
              "@request.auth.claims[sub]": {exact: bob}
          route:
          - destination: {host: reviews, subset: v2}
        - route:
          - destination: {host: reviews, subset: v1}
        """);
    assertThat(errors(yaml)).isEmpty();
    String p = "VirtualService reviews (mesh.yaml): http[0].match[0].";
    assertThat(warnings(yaml)).containsExactly(
        p + "headers.@request.auth.claims.groups: routes on a JWT claim, which Istio applies where it validated the token"
            + " (a gateway); an outbound call from this application has no validated token, so the claim is absent and"
            + " this match block never matches",
        p + "withoutHeaders.@request.auth.claims[sub]: routes on a JWT claim, which Istio applies where it validated the"
            + " token (a gateway); an outbound call from this application has no validated token, so the claim is absent"
            + " and this condition always holds");
    HttpMatch block = parse(yaml).config().virtualServices().get(0).http().get(0).matches().get(0);
    assertThat(block.headers()).containsOnlyKeys("@request.auth.claims.groups");
    assertThat(block.withoutHeaders()).as("an absent claim: the condition holds, nothing to keep").isEmpty();
    assertThat(block.inactiveReason("default", java.util.Map.of())).isEqualTo(
        "headers @request.auth.claims.groups is a JWT claim, and an outbound call carries no validated token");
    // Istio's header-name rule still holds for everything else, and the claim form needs a claim name.
    assertThat(errors(vs("""
        hosts: [reviews]
        http:
        - match:
          - headers: {"@request.auth.claims": {exact: x}, "@request.auth.claims[]": {exact: y}}
          route:
          - destination: {host: reviews}
        """))).hasSize(2).allMatch(e -> e.contains("expected: a header name"));
  }

  @Test
  void requestAuthenticationPresenceIsAcceptedAndWarned() {
    String yaml = security("RequestAuthentication", "jwt", """
        jwtRules:
        - issuer: example.com
          jwksUri: https://example.com/.well-known/jwks.json
          presence: REQUIRED
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly("RequestAuthentication jwt (mesh.yaml): jwtRules[0].presence: not yet "
        + "applied by Meshlet: a request without a token is not refused by this field (an AuthorizationPolicy with "
        + "requestPrincipals: [\"*\"] refuses it)");
    assertThat(errors(yaml.replace("REQUIRED", "ALWAYS"))).singleElement().asString()
        .startsWith("RequestAuthentication jwt (mesh.yaml): jwtRules[0].presence: 'ALWAYS'");
  }

  @Test
  void serviceEntryAddressesAreCheckedKeptAndReportedAsNotUsedForRouting() {
    // Istio's validation test data writes the IPv6 address unquoted in a flow list.
    String yaml = se("""
        hosts: [example.com]
        addresses: [1.2.3.4, 001:db8::, 10.0.0.0/24]
        ports: [{name: http, number: 80, protocol: HTTP}]
        resolution: DNS
        """);
    assertThat(errors(yaml)).isEmpty();
    String p = "ServiceEntry external (mesh.yaml): addresses";
    assertThat(warnings(yaml)).containsExactly(
        p + "[1]: read as '001:db8::': inside [ ] YAML 1.2 takes an unquoted address ending in ':' for a mapping"
            + " (Kubernetes' YAML reader does not); quote it to be read the same everywhere",
        p + ": kept but not used for routing: Meshlet matches a call by the host name it names, so a call to one of"
            + " these addresses is not routed by this ServiceEntry");
    ServiceEntry entry = parse(yaml).config().serviceEntries().get(0);
    assertThat(entry.addresses()).containsExactly("1.2.3.4", "001:db8::", "10.0.0.0/24");
    assertThat(errors(se("""
        hosts: [example.com]
        addresses: [1.2.3.4.5, {a: b}]
        """))).containsExactly(
            "ServiceEntry external (mesh.yaml): addresses[0]: '1.2.3.4.5' (expected: an IP address or CIDR)",
            "ServiceEntry external (mesh.yaml): addresses[1]: a mapping (expected: an IP address or CIDR)");
  }

  @Test
  void partialWildcardHostsAreAcceptedAsInIstio() {
    String yaml = se("""
        hosts: ["*x", "*-api.example.com", "*.example.org"]
        ports: [{name: http, number: 80, protocol: HTTP}]
        """);
    assertThat(errors(yaml)).isEmpty();
    // A name without a dot is a short name, qualified as Istio's ResolveShortnameToFQDN does (only '*' is not).
    assertThat(parse(yaml).config().serviceEntries().get(0).hosts())
        .containsExactly("*x.default.svc.cluster.local", "*-api.example.com", "*.example.org");
    for (String bad : new String[] {"x*.example.com", "a.*x.example.com", "*-", "**x", "*.", "*--x.example.com"}) {
      assertThat(errors(se("hosts: [\"" + bad + "\"]\n"))).as(bad).singleElement().asString()
          .contains("hosts[0]: '" + bad + "' (expected: a host name of DNS-1123 labels");
    }
  }

  @Test
  void trustDomainsAndTheTrustDomainKeyAreReadAsIstioChecksThem() {
    String yaml = ap("""
        rules:
        - from:
          - source: {trustDomains: [cluster.local, "prod-*"]}
          - source: {notTrustDomains: ["*.corp"]}
          when:
          - key: source.trustDomain
            values: ["*"]
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).isEmpty();
    AuthorizationPolicy policy = parse(yaml).config().authorizationPolicies().get(0);
    assertThat(policy.rules().get(0).from().get(0).trustDomains()).containsExactly("cluster.local", "prod-*");
    assertThat(policy.rules().get(0).from().get(1).notTrustDomains()).containsExactly("*.corp");

    String p = "AuthorizationPolicy policy (mesh.yaml): rules[0].";
    assertThat(errors(ap("""
        rules:
        - from:
          - source: {trustDomains: [cluster.local/ns/foo, "a*b", ""]}
          when:
          - {key: source.trustDomain, values: [spiffe://cluster.local]}
        """))).containsExactly(
            p + "from[0].source.trustDomains[0]: 'cluster.local/ns/foo' (expected: a trust domain such as cluster.local,"
                + " without '/'; a match string: exact, prefix*, *suffix or *)",
            p + "from[0].source.trustDomains[1]: 'a*b' (expected: an exact value, prefix*, *suffix or *; '*' only at"
                + " the start or the end)",
            p + "from[0].source.trustDomains[2]: '' (expected: a non-empty value)",
            p + "when[0].values[0]: 'spiffe://cluster.local' (expected: a trust domain such as cluster.local, without"
                + " '/'; a match string: exact, prefix*, *suffix or *)");
    // Istio: identities are not supported with CUSTOM.
    assertThat(errors(ap("""
        action: CUSTOM
        provider: {name: ext-authz}
        rules:
        - from: [{source: {trustDomains: [cluster.local]}}]
          when: [{key: source.trustDomain, values: [cluster.local]}]
        """))).containsExactly(
            p + "from[0].source.trustDomains: From.TrustDomains is currently not supported with CUSTOM action",
            p + "when[0].key: source.trustDomain is currently not supported with CUSTOM action");
  }
}
