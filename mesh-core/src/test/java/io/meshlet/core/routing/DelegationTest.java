package io.meshlet.core.routing;

import static io.meshlet.core.MeshTesting.get;
import static io.meshlet.core.MeshTesting.route;
import static io.meshlet.core.MeshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.explain.Explanation;
import io.meshlet.core.explain.Explanation.Outcome;
import io.meshlet.core.lb.Endpoint;
import io.meshlet.core.model.DelegatedRule;
import io.meshlet.core.model.ResourceId;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VirtualService delegation as Istio applies it: one root in {@code default} delegating to {@code team-a} (exported to
 * {@code default}), to a delegate in its own namespace, to a missing one and to one not exported to it.
 */
class DelegationTest {
  @TempDir Path dir;

  private static final String YAML = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        resolution: STATIC
        ports: [{number: 9080, name: http, protocol: HTTP}]
        endpoints:
        - {address: 10.0.0.1, labels: {version: v1}}
        - {address: 10.0.0.2, labels: {version: v2}}
        - {address: 10.0.0.3, labels: {version: v3}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
        - {name: v3, labels: {version: v3}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - name: jason
          match: [{headers: {end-user: {exact: jason}}}]
          delegate: {name: reviews-jason, namespace: team-a}
        - name: api
          match: [{uri: {prefix: /api}}]
          timeout: 3s
          delegate: {name: reviews-api}
        - match: [{uri: {prefix: /gone}}]
          delegate: {name: nowhere}
        - match: [{uri: {prefix: /hidden}}]
          delegate: {name: reviews-private, namespace: team-b}
        - match: [{uri: {prefix: /ghost}}]
          route: [{destination: {host: ghost}}]
        - route: [{destination: {host: reviews, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews-jason, namespace: team-a}
      spec:
        exportTo: [default]
        http:
        - name: login
          match: [{uri: {exact: /login}}]
          route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]
        - match: [{uri: {prefix: /local}}]
          route: [{destination: {host: ratings}}]
        - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v3}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews-api}
      spec:
        http:
        - name: v2
          match: [{uri: {prefix: /api/v2}}]
          route: [{destination: {host: reviews, subset: v2}}]
        - match: [{uri: {exact: /login}}]
          route: [{destination: {host: reviews, subset: v3}}]
        - match: [{headers: {x-canary: {exact: "yes"}}}]
          timeout: 1s
          route: [{destination: {host: reviews, subset: v3}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews-private, namespace: team-b}
      spec:
        exportTo: ["."]
        http:
        - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v3}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews-unused}
      spec:
        http:
        - route: [{destination: {host: reviews, subset: v3}}]
      """;

  private Mesh mesh;

  @BeforeEach
  void start() {
    Path file = write(dir.resolve("mesh.yaml"), YAML);
    mesh = Mesh.builder().workload("productpage").namespace("default").labels(Map.of("app", "productpage"))
        .configFile(file).random(new Random(1)).build();
  }

  @org.junit.jupiter.api.AfterEach
  void stop() {
    mesh.close();
  }

  private String address(String url, String... headers) {
    Endpoint e = route(mesh, get(url, headers));
    return e == null ? "none" : e.address();
  }

  @Test
  void eachDelegateRuleRoutesUnderItsRootRulesMatch() {
    assertThat(address("http://reviews:9080/api/v2/1")).isEqualTo("10.0.0.2");
    assertThat(address("http://reviews:9080/api/1", "x-canary", "yes")).isEqualTo("10.0.0.3");
    // the delegate's match is ANDed with the root's: x-canary alone, outside /api, is not enough
    assertThat(address("http://reviews:9080/other", "x-canary", "yes")).isEqualTo("10.0.0.1");
    assertThat(address("http://reviews:9080/api/1")).isEqualTo("10.0.0.1");
    // a delegate in another namespace that exports itself to the root's
    assertThat(address("http://reviews:9080/login", "end-user", "jason")).isEqualTo("10.0.0.2");
    assertThat(address("http://reviews:9080/x", "end-user", "jason")).isEqualTo("10.0.0.3");
    assertThat(address("http://reviews:9080/login")).isEqualTo("10.0.0.1");
  }

  @Test
  void aMissingOrUnexportedDelegateLeavesItsRuleOutWithAWarning() {
    assertThat(address("http://reviews:9080/gone/1")).isEqualTo("10.0.0.1");
    assertThat(address("http://reviews:9080/hidden/1")).isEqualTo("10.0.0.1");
    assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).contains(
        "VirtualService reviews (" + dir.resolve("mesh.yaml") + "): http[2].delegate: VirtualService default/nowhere"
            + " (a VirtualService without hosts) is not found: this rule produces no route (as in Istio); requests it"
            + " matches fall through to the next rule",
        "VirtualService reviews (" + dir.resolve("mesh.yaml") + "): http[3].delegate: VirtualService team-b/reviews-private"
            + " is not exported to namespace default (exportTo [.]): this rule produces no route (as in Istio);"
            + " requests it matches fall through to the next rule");
  }

  @Test
  void aDelegateNoRootUsesIsReportedAsRoutingNothing() {
    assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).contains(
        "VirtualService reviews-unused (" + dir.resolve("mesh.yaml") + "): hosts: none: a delegate VirtualService, and no"
            + " root VirtualService's http[].delegate names it (or it is not exported to the root's namespace): it"
            + " routes nothing",
        "VirtualService reviews-private (" + dir.resolve("mesh.yaml") + "): hosts: none: a delegate VirtualService, and"
            + " no root VirtualService's http[].delegate names it (or it is not exported to the root's namespace): it"
            + " routes nothing");
    assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString)
        .noneMatch(w -> w.startsWith("VirtualService reviews-api ") && w.contains("routes nothing"));
  }

  @Test
  void aDelegateRuleWhoseMatchConflictsWithTheRootsIsDroppedWithAWarningNamingBoth() {
    // /login is not under /api: Istio drops reviews-api http[1] under root rule 1, so /login is not sent to v3
    assertThat(address("http://reviews:9080/login")).isEqualTo("10.0.0.1");
    assertThat(address("http://reviews:9080/api/login")).isEqualTo("10.0.0.1");
    assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).contains(
        "VirtualService reviews-api (" + dir.resolve("mesh.yaml") + "): http[1].match: match[0] fits under no match"
            + " block of the root rule (uri exact '/login' is not within the root's prefix '/api'), the match of"
            + " VirtualService default/reviews http[1] that delegates to it; this rule is dropped under that root rule,"
            + " as Istio drops it");
  }

  @Test
  void destinationsOfADelegateAreQualifiedInTheDelegatesNamespace() {
    Explanation e = mesh.explain(get("http://reviews:9080/local/1", "end-user", "jason"));
    assertThat(e.outcome()).isEqualTo(Outcome.NO_CLUSTER);
    assertThat(e.message()).contains("ratings.team-a.svc.cluster.local");
    assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).contains(
        "VirtualService reviews-jason (" + dir.resolve("mesh.yaml") + "): http[1].route[0].destination.host:"
            + " ratings.team-a.svc.cluster.local has no ServiceEntry; requests routed there fail");
  }

  @Test
  void warningsAboutTheRootsOwnRulesUseTheRootsOwnNumbering() {
    // merged, the /ghost rule is the sixth, but the user's file has it at http[4]
    assertThat(mesh.explain(get("http://reviews:9080/ghost")).matchedRule()).isEqualTo(5);
    assertThat(mesh.snapshot().warnings()).extracting(ConfigProblem::toString).contains(
        "VirtualService reviews (" + dir.resolve("mesh.yaml") + "): http[4].route[0].destination.host:"
            + " ghost.default.svc.cluster.local has no ServiceEntry; requests routed there fail");
  }

  @Test
  void theRootRulesFieldsFillInWhatTheDelegateRuleLeavesUnset() {
    Explanation v2 = mesh.explain(get("http://reviews:9080/api/v2/1"));
    assertThat(v2.policies()).anySatisfy(p -> assertThat(p).startsWith("route: ").contains("timeout 3s"));
    Explanation canary = mesh.explain(get("http://reviews:9080/api/1", "x-canary", "yes"));
    assertThat(canary.policies()).anySatisfy(p -> assertThat(p).startsWith("route: ").contains("timeout 1s"));
  }

  @Test
  void explainNamesTheDelegateAndTheRootRuleOfTheMatchedRule() {
    Explanation e = mesh.explain(get("http://reviews:9080/api/v2/1"));
    // merged numbering: the three rules of reviews-jason, then reviews-api's rules 0 and 2, then the catch-all
    assertThat(e.matchedRule()).isEqualTo(3);
    Explanation.RuleCheck matched = e.rules().get(3);
    assertThat(matched.name()).isEqualTo("api-v2");
    assertThat(matched.delegatedFrom()).isEqualTo(new DelegatedRule(new ResourceId("VirtualService", "default", "reviews"),
        1, new ResourceId("VirtualService", "default", "reviews-api"), matched.delegatedFrom().delegateOrigin(), 0));
    assertThat(e.toString())
        .contains("  http[0] \"jason-login\" (rule 0 of delegate team-a/reviews-jason, under rule 0 of root default/reviews):"
            + " skipped - ")
        .contains("  http[3] \"api-v2\" (rule 0 of delegate default/reviews-api, under rule 1 of root default/reviews):"
            + " MATCHED")
        .contains("FORWARD - sent to 10.0.0.2:9080 by VirtualService default/reviews http[3] \"api-v2\" (rule 0 of"
            + " delegate default/reviews-api, under rule 1 of root default/reviews)");
    assertThat(e.rules()).extracting(Explanation.RuleCheck::name)
        .containsExactly("jason-login", "jason", "jason", "api-v2");
    assertThat(e.rules().get(2).reasons()).isNotEmpty();
    assertThat(List.of(e.rules().get(1).delegatedFrom().delegateRule(), e.rules().get(2).delegatedFrom().delegateRule()))
        .containsExactly(1, 2);
  }
}
