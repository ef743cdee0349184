package io.meshlet.meshctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** analyze and explain against directories of YAML, as a GitOps pipeline or a person at a terminal runs them. */
class OfflineCommandsTest {
  @TempDir Path dir;

  @Test
  void aGoodDirectoryPassesWithExitCodeZero() {
    Yaml.write(dir.resolve("reviews.yaml"), Yaml.reviews(9081, 9082));
    Cli r = Cli.run("analyze", dir.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).startsWith("No problems found in [" + dir + "]");
  }

  @Test
  void errorsAreReportedWithTheirPathsAndFailTheRun() {
    Yaml.write(dir.resolve("reviews.yaml"), Yaml.reviews(9081, 9082));
    Yaml.write(dir.resolve("bad.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings}
        spec:
          hosts: [ratings]
          http:
          - route: [{destination: {host: ratings}, weight: -5}]
        """);
    Cli r = Cli.run("analyze", dir.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("Error   VirtualService ratings (" + dir.resolve("bad.yaml") + "): http[0].route[0].weight: -5")
        .contains("1 error");
  }

  @Test
  void referencesThatPointNowhereAreWarningsAndKnownHostsAreNot() {
    Yaml.write(dir.resolve("reviews.yaml"), Yaml.reviews(9081, 9082).replace("subset: v2}", "subset: v3}") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: details}
        spec:
          hosts: [details]
          http: [{route: [{destination: {host: details.service.consul, port: {number: 8080}}}]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ghost}
        spec: {host: ghost}
        """);
    Cli r = Cli.run("analyze", dir.toString());
    assertThat(r.code()).as("warnings alone pass").isZero();
    assertThat(r.out())
        .contains("http[0].route[0].destination.subset: subset v3 of reviews.default.svc.cluster.local is not defined by any DestinationRule")
        .contains("http[0].route[0].destination.host: details.service.consul has no ServiceEntry")
        .contains("DestinationRule ghost (" + dir.resolve("reviews.yaml") + "): host: ghost.default.svc.cluster.local has no ServiceEntry")
        .contains("0 errors, 3 warnings");

    Cli known = Cli.run("analyze", dir.toString(), "--known-host", "details.service.consul", "-o", "json");
    JsonNode json = Http.JSON.readTree(known.out());
    assertThat(json.path("errors")).isEmpty();
    assertThat(json.path("warnings")).hasSize(2);
    assertThat(known.out()).doesNotContain("details.service.consul has no ServiceEntry");

    assertThat(Cli.run("analyze", dir.toString(), "--fail-on-warnings").code()).isEqualTo(1);
  }

  @Test
  void aPathThatDoesNotExistIsAUsageError() {
    Cli r = Cli.run("analyze", dir.resolve("nowhere").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("nowhere: no such file or directory");
  }

  @Test
  void explainOfflineSaysWhichRuleAndSubsetARequestGets() {
    Yaml.write(dir.resolve("reviews.yaml"), Yaml.reviews(9081, 9082));
    Cli jason = Cli.run("explain", "http://reviews:9080/reviews/1", "-H", "end-user: jason", "--dir", dir.toString(),
        "--workload", "productpage");
    assertThat(jason.code()).as(jason.err()).isZero();
    assertThat(jason.out()).contains("jason-gets-v2").contains("127.0.0.1:9082");
    Cli other = Cli.run("explain", "http://reviews:9080/reviews/1", "--dir", dir.toString(), "-o", "json");
    assertThat(Http.JSON.readTree(other.out()).path("text").asString()).contains("everyone-else").contains("127.0.0.1:9081");
  }
}
