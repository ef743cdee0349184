package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.ap;
import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.AuthorizationPolicy.Action;
import io.meshlet.core.model.AuthorizationPolicy.Condition;
import io.meshlet.core.model.AuthorizationPolicy.Operation;
import io.meshlet.core.model.AuthorizationPolicy.Rule;
import io.meshlet.core.model.AuthorizationPolicy.Source;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizationPolicyValidationTest {
  private static final String P = "AuthorizationPolicy policy (mesh.yaml): ";

  private static AuthorizationPolicy only(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.errors()).isEmpty();
    assertThat(r.config().authorizationPolicies()).hasSize(1);
    return r.config().authorizationPolicies().get(0);
  }

  @Test
  void everyField() {
    String yaml = ap("""
        selector: {matchLabels: {app: reviews}}
        action: DENY
        rules:
        - from:
          - source:
              principals: [cluster.local/ns/default/sa/sleep, "*/sa/admin"]
              notPrincipals: ["cluster.local/*"]
              namespaces: [default]
              notNamespaces: [prod]
              ipBlocks: [10.0.0.0/8, 192.168.1.1]
              notIpBlocks: ["2001:db8::/32"]
              remoteIpBlocks: [203.0.113.7]
              notRemoteIpBlocks: [203.0.113.0/24]
          to:
          - operation:
              hosts: [reviews.default.svc.cluster.local, "*.example.com"]
              notHosts: [admin.example.com]
              ports: ["9080", 9443]
              notPorts: ["15000"]
              methods: [GET, HEAD]
              notMethods: [DELETE]
              paths: [/reviews/*, /health]
              notPaths: ["*.secret"]
          when:
          - key: request.headers[x-token]
            values: [abc*]
            notValues: [abcd]
          - key: source.ip
            values: [10.1.0.0/16]
        - {}
        """);
    assertThat(warnings(yaml)).isEmpty();
    AuthorizationPolicy p = only(yaml);
    assertThat(p.selector()).isEqualTo(Map.of("app", "reviews"));
    assertThat(p.action()).isEqualTo(Action.DENY);
    assertThat(p.targetRefs()).isEmpty();
    assertThat(p.rules()).containsExactly(
        new Rule(
            List.of(new Source(
                List.of("cluster.local/ns/default/sa/sleep", "*/sa/admin"), List.of("cluster.local/*"),
                List.of("default"), List.of("prod"),
                List.of("10.0.0.0/8", "192.168.1.1"), List.of("2001:db8::/32"),
                List.of("203.0.113.7"), List.of("203.0.113.0/24"), List.of(), List.of())),
            List.of(new Operation(
                List.of("reviews.default.svc.cluster.local", "*.example.com"), List.of("admin.example.com"),
                List.of(9080, 9443), List.of(15000), List.of("GET", "HEAD"), List.of("DELETE"),
                List.of("/reviews/*", "/health"), List.of("*.secret"))),
            List.of(new Condition("request.headers[x-token]", List.of("abc*"), List.of("abcd")),
                new Condition("source.ip", List.of("10.1.0.0/16"), List.of()))),
        Rule.ANY);
  }

  @Test
  void defaultsAllowWithNoRulesAndAnAbsentSpecIsTheSame() {
    AuthorizationPolicy empty = only(ap("{}"));
    assertThat(empty.action()).isEqualTo(Action.ALLOW);
    assertThat(empty.rules()).isEmpty();
    assertThat(empty.selector()).isEmpty();
    String noSpec = """
        apiVersion: security.istio.io/v1beta1
        kind: AuthorizationPolicy
        metadata: {name: allow-nothing, namespace: prod}
        """;
    AuthorizationPolicy p = only(noSpec);
    assertThat(p.id().namespace()).isEqualTo("prod");
    assertThat(p.rules()).isEmpty();
  }

  @Test
  void everyErrorWithItsPath() {
    assertThat(errors(ap("""
        action: REJECT
        rules:
        - from:
          - source:
              ipBlocks: [10.0.0/8, 10.0.0.0/33, "::1/129", 300.1.1.1]
              principals: ["cluster.*.local", ""]
          - {}
          - source: {}
          to:
          - operation:
              ports: ["0", 65536, http]
              paths: ["/a/*/b", "*/c*"]
              methods: [""]
          when:
          - key: request.time
            values: [x]
          - key: source.ip
          - key: destination.port
            values: ["80", "eighty"]
          - values: [x]
          - key: remote.ip
            notValues: ["1.2.3.4/40"]
          - key: request.headers[x-a]
            values: []
            notValues: []
        """))).containsExactly(
            P + "action: 'REJECT' (expected: one of ALLOW, DENY, AUDIT, CUSTOM)",
            P + "rules[0].from[0].source.principals[0]: 'cluster.*.local' (expected: an exact value, prefix*, "
                + "*suffix or *; '*' only at the start or the end)",
            P + "rules[0].from[0].source.principals[1]: '' (expected: a non-empty value)",
            P + "rules[0].from[0].source.ipBlocks[0]: '10.0.0/8' (expected: an IP address or CIDR)",
            P + "rules[0].from[0].source.ipBlocks[1]: '10.0.0.0/33' (expected: an IP address or CIDR)",
            P + "rules[0].from[0].source.ipBlocks[2]: '::1/129' (expected: an IP address or CIDR)",
            P + "rules[0].from[0].source.ipBlocks[3]: '300.1.1.1' (expected: an IP address or CIDR)",
            P + "rules[0].from[1].source: missing (required)",
            P + "rules[0].from[2].source: empty (expected: at least one field; leave out from to match any source)",
            P + "rules[0].to[0].operation.ports[0]: 0 (expected: 1..65535)",
            P + "rules[0].to[0].operation.ports[1]: 65536 (expected: 1..65535)",
            P + "rules[0].to[0].operation.ports[2]: 'http' (expected: an integer 1..65535)",
            P + "rules[0].to[0].operation.methods[0]: '' (expected: a non-empty value)",
            P + "rules[0].to[0].operation.paths[0]: '/a/*/b' (expected: an exact value, prefix*, *suffix or *; "
                + "'*' only at the start or the end)",
            P + "rules[0].to[0].operation.paths[1]: '*/c*' (expected: an exact value, prefix*, *suffix or *; "
                + "'*' only at the start or the end)",
            P + "rules[0].when[0].key: 'request.time' (expected: one of request.headers[<name>], source.ip, "
                + "remote.ip, source.namespace, source.principal, destination.ip, destination.port, connection.sni, source.serviceAccount, source.trustDomain, "
                + "experimental.envoy.filters.<filter>[<key>], "
                + "request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[<name>])",
            P + "rules[0].when[1]: values and notValues both empty for key source.ip (expected: at least one value)",
            P + "rules[0].when[2].values[1]: 'eighty' (expected: a port 1..65535)",
            P + "rules[0].when[3].key: missing (required)",
            P + "rules[0].when[4].notValues[0]: '1.2.3.4/40' (expected: an IP address or CIDR)",
            P + "rules[0].when[5]: values and notValues both empty for key request.headers[x-a] "
                + "(expected: at least one value)");
  }

  @Test
  void customNeedsAProviderAndIsNotApplied() {
    String custom = ap("""
        action: CUSTOM
        provider: {name: ext-authz}
        rules: [{to: [{operation: {paths: [/admin/*]}}]}]
        """);
    assertThat(only(custom).notYetApplied()).containsExactly("action");
    assertThat(warnings(custom)).containsExactly(
        P + "action: CUSTOM (external authorization) is not supported by Meshlet; calls matching this policy's rules are denied");
    assertThat(errors(ap("{action: CUSTOM, rules: [{}]}"))).containsExactly(P + "provider: missing (required with action CUSTOM)");
    assertThat(errors(ap("{action: DENY, provider: {name: x}, rules: [{}]}"))).containsExactly(
        P + "provider: given with action DENY (expected: only with action CUSTOM)");
    assertThat(errors(ap("{action: CUSTOM, provider: {}, rules: [{}]}"))).containsExactly(P + "provider.name: missing (required)");
  }

  /**
   * Second security review: shapes Istio's ValidateAuthorizationPolicy refuses were accepted. An
   * empty {@code from}/{@code to} list read as "any", so an ALLOW granted more than written; a DENY
   * or CUSTOM without rules is never triggered; CUSTOM cannot use identities.
   */
  @Test
  void shapesIstioRefusesAreErrorsWithTheirPaths() {
    assertThat(errors(ap("{rules: [{from: [], to: [{operation: {methods: [GET]}}]}]}"))).containsExactly(
        P + "rules[0].from: empty: `from` must not be empty (expected: at least one entry; leave out from to match "
            + "any source)");
    assertThat(errors(ap("{rules: [{to: []}]}"))).containsExactly(
        P + "rules[0].to: empty: `to` must not be empty (expected: at least one entry; leave out to to match any "
            + "operation)");
    String never = " action without rules is meaningless as it will never be triggered (expected: at least one rule; "
        + "add an empty rule {} to trigger it for every request)";
    assertThat(errors(ap("action: DENY"))).containsExactly(P + "rules: missing: DENY" + never);
    assertThat(errors(ap("{action: DENY, rules: []}"))).containsExactly(P + "rules: empty: DENY" + never);
    assertThat(errors(ap("{action: CUSTOM, provider: {name: ext}}"))).containsExactly(P + "rules: missing: CUSTOM" + never);
    assertThat(errors(ap("action: CUSTOM"))).containsExactly(P + "provider: missing (required with action CUSTOM)",
        P + "rules: missing: CUSTOM" + never);
    assertThat(errors(ap("{action: DENY, rules: [{}]}"))).isEmpty();
    assertThat(errors(ap("{action: ALLOW}"))).isEmpty();
    assertThat(errors(ap("""
        action: CUSTOM
        provider: {name: ext}
        rules:
        - from:
          - source: {principals: [a], notPrincipals: [b], namespaces: [c], notNamespaces: [d], requestPrincipals: [e],
                     notRequestPrincipals: [f], ipBlocks: [10.0.0.0/8]}
          when:
          - {key: source.namespace, values: [x]}
          - {key: source.principal, values: [x]}
          - {key: "request.auth.claims[iss]", values: [x]}
          - {key: source.ip, values: [10.0.0.1]}
        """))).containsExactly(
        P + "rules[0].from[0].source.principals: From.Principals is currently not supported with CUSTOM action",
        P + "rules[0].from[0].source.notPrincipals: From.NotPrincipals is currently not supported with CUSTOM action",
        P + "rules[0].from[0].source.namespaces: From.Namespaces is currently not supported with CUSTOM action",
        P + "rules[0].from[0].source.notNamespaces: From.NotNamespaces is currently not supported with CUSTOM action",
        P + "rules[0].from[0].source.requestPrincipals: From.RequestPrincipals is currently not supported with CUSTOM "
            + "action",
        P + "rules[0].from[0].source.notRequestPrincipals: From.NotRequestPrincipals is currently not supported with "
            + "CUSTOM action",
        P + "rules[0].when[0].key: source.namespace is currently not supported with CUSTOM action",
        P + "rules[0].when[1].key: source.principal is currently not supported with CUSTOM action",
        P + "rules[0].when[2].key: request.auth.claims[iss] is currently not supported with CUSTOM action");
  }

  @Test
  void targetRefsAreReadAndTheirPolicyAppliesNowhere() {
    String yaml = ap("""
        targetRefs:
        - {group: gateway.networking.k8s.io, kind: Gateway, name: ingress}
        - {kind: Service, name: reviews, namespace: prod}
        rules: [{}]
        """);
    AuthorizationPolicy p = only(yaml);
    assertThat(p.targetRefs()).containsExactly("Gateway default/ingress", "Service prod/reviews");
    assertThat(p.notYetApplied()).containsExactly("targetRefs");
    assertThat(warnings(yaml)).containsExactly(P + "targetRefs: not applied by Meshlet (it targets a Gateway or "
        + "Service, not this workload); this policy applies to no workload");
    assertThat(only(ap("targetRef: {kind: Gateway, name: gw}")).targetRefs()).containsExactly("Gateway default/gw");
    assertThat(errors(ap("""
        selector: {matchLabels: {app: a}}
        targetRef: {kind: Gateway}
        targetRefs: [{kind: Gateway, name: gw}]
        """))).containsExactly(
            P + "targetRefs: given with targetRef (expected: one of them)",
            P + "targetRef.name: missing (required)",
            P + "selector: given with targetRef (expected: one of selector, targetRef or targetRefs)");
  }

  @Test
  void jwtFieldsAreAppliedAndUnknownAttributesWarned() {
    String yaml = ap("""
        rules:
        - from: [{source: {requestPrincipals: ["*"], notRequestPrincipals: [issuer/sub]}}]
          when:
          - {key: "request.auth.claims[groups]", values: [admin]}
          - {key: connection.sni, values: [reviews.default]}
          - {key: "experimental.envoy.filters.network.mysql_proxy[db.table]", values: ["[update]"]}
        """);
    AuthorizationPolicy p = only(yaml);
    assertThat(p.notYetApplied()).as("connection.sni is known on the server side now").containsExactly("rules[0].when[2].key");
    assertThat(warnings(yaml)).singleElement().asString().startsWith(P + "rules[0].when[2].key: "
        + "'experimental.envoy.filters.network.mysql_proxy[db.table]' reads Envoy filter metadata, which does not exist in-process");
  }

  @Test
  void unknownFieldsGetSuggestions() {
    assertThat(errors(ap("""
        rules:
        - from: [{source: {principal: [a]}}]
          to: [{operation: {method: [GET]}}]
        """))).containsExactly(
            P + "rules[0].from[0].source: empty (expected: at least one field; leave out from to match any source)",
            P + "rules[0].to[0].operation: empty (expected: at least one field; leave out to to match any operation)",
            P + "rules[0].from[0].source.principal: unknown field (did you mean principals?)",
            P + "rules[0].to[0].operation.method: unknown field (did you mean methods?)");
  }
}
