package io.meshlet.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.VirtualService;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The translation of config entries on its own: what each becomes and the exact errors of bad ones. */
class ConfigEntriesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final ConsulSettings SETTINGS = new ConsulSettings(URI.create("http://127.0.0.1:8500"), null, null, null,
      "default", List.of("reviews", "ratings"), false, List.of(HostForm.CONSUL), 80, true, true, Duration.ofSeconds(5),
      Duration.ofSeconds(1), Duration.ofSeconds(2));

  private final List<ConfigProblem> problems = new ArrayList<>();

  private List<MeshResource> translate(String kind, String... entries) {
    List<JsonNode> nodes = new ArrayList<>();
    for (String e : entries) {
      nodes.add(JSON.readTree(e));
    }
    return ConfigEntries.translate(Map.of(kind, nodes), SETTINGS, "consul:test", problems);
  }

  private List<String> messages() {
    return problems.stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void badResolverFieldsAreReportedWithTheirPaths() {
    translate("service-resolver", """
        {"Kind":"service-resolver","Name":"reviews","DefaultSubset":"v3","ConnectTimeout":"soon",
         "Subsets":{"v1":{"Filter":"Service.Meta.version != v1"}},"LoadBalancer":{"Policy":"fastest"},
         "PrioritizeByLocality":{"Mode":"failover"},"Colour":"blue"}""");
    assertThat(messages()).containsExactlyInAnyOrder(
        "service-resolver reviews (/v1/config/service-resolver/reviews): Subsets.v1.Filter: 'Service.Meta.version != v1' ("
            + SubsetFilters.EXPECTED + ")",
        "service-resolver reviews (/v1/config/service-resolver/reviews): DefaultSubset: 'v3' (expected: one of the Subsets [v1])",
        "service-resolver reviews (/v1/config/service-resolver/reviews): ConnectTimeout: 'soon' (expected: a duration such as 5s or 1m30s)",
        "service-resolver reviews (/v1/config/service-resolver/reviews): LoadBalancer.Policy: 'fastest' (expected: round_robin, random, least_request, ring_hash or maglev)",
        "service-resolver reviews (/v1/config/service-resolver/reviews): PrioritizeByLocality: not yet applied by Meshlet",
        "service-resolver reviews (/v1/config/service-resolver/reviews): Colour: unknown field");
    assertThat(problems.stream().filter(ConfigProblem::isError)).hasSize(5);
  }

  @Test
  void badFailoversAreRejectedWithTheirPathsAndSubsetKeysWarned() {
    translate("service-resolver", """
        {"Kind":"service-resolver","Name":"reviews","Subsets":{"v1":{"Filter":"Service.Meta.version == v1"}},
         "Failover":{"*":{"Service":"nowhere"},"v1":{"Datacenters":["dc2"]},"v9":{"Service":"reviews"},
                     "x":{"Targets":[{"Service":"ratings"}],"Datacenters":["dc2"]},"v1 ":{}}}""");
    String at = "service-resolver reviews (/v1/config/service-resolver/reviews): ";
    assertThat(messages()).containsExactlyInAnyOrder(
        at + "Failover.*.Service: nowhere is not one of the services this source watches [reviews, ratings]",
        at + "Failover.v1: not yet applied by Meshlet (failover of one subset; only \"*\" is)",
        at + "Failover.v9: 'v9' (expected: \"*\" or one of the Subsets [v1])",
        at + "Failover.x.Targets: given with Service, ServiceSubset or Datacenters (expected: Targets alone, as Consul requires)",
        at + "Failover.x: 'x' (expected: \"*\" or one of the Subsets [v1])",
        at + "Failover.v1 : no target (expected: Service, ServiceSubset, Datacenters or Targets)",
        at + "Failover.v1 : 'v1 ' (expected: \"*\" or one of the Subsets [v1])");
  }

  @Test
  void aFailoverToASubsetInAnotherDatacenterNeedsThatSubsetDefinedHere() {
    ConfigEntries.Translation t = ConfigEntries.translation(Map.of("service-resolver", List.of(JSON.readTree("""
        {"Kind":"service-resolver","Name":"reviews","Subsets":{"v1":{"Filter":"Service.Meta.version == v1"}},
         "Failover":{"*":{"ServiceSubset":"v1","Datacenters":["dc2","dc3"]}}}"""), JSON.readTree("""
        {"Kind":"service-resolver","Name":"ratings","Failover":{"*":{"Targets":[{"ServiceSubset":"v2","Datacenter":"dc2"}]}}}"""))),
        SETTINGS, "consul:test", problems);
    assertThat(messages()).containsExactly("service-resolver ratings (/v1/config/service-resolver/ratings): "
        + "Failover.*.Targets[0].ServiceSubset: 'v2' (expected: a subset of the service-resolver of ratings: [])");
    assertThat(t.failovers().get("reviews")).containsExactly(
        new FailoverLevel("reviews", "dc2", Map.of("version", "v1")), new FailoverLevel("reviews", "dc3", Map.of("version", "v1")));
  }

  @Test
  void routerTargetsMustBeWatchedServicesAndDefinedSubsets() {
    translate("service-router", """
        {"Kind":"service-router","Name":"reviews","Routes":[
          {"Match":{"HTTP":{"PathPrefix":"/a","Header":[{"Name":"x","Exact":"1","Prefix":"2"}]}},"Destination":{"Service":"details"}},
          {"Destination":{"Service":"ratings","ServiceSubset":"v9","RetryOn":["sometimes"]}}]}""");
    assertThat(messages()).containsExactlyInAnyOrder(
        "service-router reviews (/v1/config/service-router/reviews): Routes[0].Match.HTTP.Header[0].Exact: 2 matches given (expected: exactly one of Present, Exact, Prefix, Suffix, Regex)",
        "service-router reviews (/v1/config/service-router/reviews): Routes[1].Destination.RetryOn[0]: 'sometimes' (expected: an Envoy retry condition such as 5xx, gateway-error, reset, connect-failure, retriable-status-codes)",
        "service-router reviews (/v1/config/service-router/reviews): Routes[0].Destination.Service: details is not one of the services this source watches [reviews, ratings]",
        "service-router reviews (/v1/config/service-router/reviews): Routes[1].Destination.ServiceSubset: 'v9' (expected: a subset of the service-resolver of ratings, which has none)");
  }

  @Test
  void aResolverRedirectAndRequestTimeoutBecomeTheDefaultRoute() {
    List<MeshResource> out = translate("service-resolver", """
        {"Kind":"service-resolver","Name":"reviews","RequestTimeout":"4s","Redirect":{"Service":"ratings"}}""");
    assertThat(problems).isEmpty();
    VirtualService vs = (VirtualService) out.stream().filter(r -> r instanceof VirtualService).findFirst().orElseThrow();
    assertThat(vs.hosts()).containsExactly("reviews.service.consul");
    assertThat(vs.http()).singleElement().satisfies(r -> {
      assertThat(r.destinations().get(0).destination().host()).isEqualTo("ratings.service.consul");
      assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(4));
      assertThat(r.retries().attempts()).isZero();
    });
  }

  @Test
  void entriesForServicesNotWatchedAreIgnoredWithAWarning() {
    assertThat(translate("service-splitter", """
        {"Kind":"service-splitter","Name":"billing","Splits":[{"Weight":100}]}""")).isEmpty();
    assertThat(messages()).containsExactly(
        "service-splitter billing (/v1/config/service-splitter/billing): Name: billing is not one of the services this source watches [reviews, ratings]; ignored");
  }

  @Test
  void subsetFiltersInTheSupportedForm() {
    assertThat(SubsetFilters.labels("Service.Meta.version == v1 and \"canary\" in Service.Tags"))
        .isEqualTo(Map.of("version", "v1", "tags.consul.io/canary", "true"));
    assertThat(SubsetFilters.labels("Service.Tags contains `blue` and Service.Meta.zone == \"a\""))
        .isEqualTo(Map.of("tags.consul.io/blue", "true", "zone", "a"));
    assertThat(SubsetFilters.labels("Service.Meta.version == v1 or Service.Meta.version == v2")).isNull();
  }
}
