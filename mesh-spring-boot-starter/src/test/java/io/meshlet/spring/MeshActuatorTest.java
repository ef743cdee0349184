package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The {@code mesh} actuator endpoint and health contributor of a running application, as JSON over HTTP. */
class MeshActuatorTest extends BookinfoContext {
  @Test
  void meshShowsTheWorkloadTheSnapshotAndItsSources() throws IOException {
    JsonNode mesh = json("/actuator/mesh");

    assertThat(mesh.get("workload").get("name").asString()).isEqualTo("productpage");
    assertThat(mesh.get("workload").get("namespace").asString()).isEqualTo("default");
    assertThat(mesh.get("workload").get("labels").get("version").asString()).isEqualTo("v1");
    assertThat(mesh.get("ready").asBoolean()).isTrue();
    assertThat(mesh.get("version").asLong()).isEqualTo(1);
    assertThat(mesh.get("resources").asInt()).isEqualTo(6);
    assertThat(mesh.get("outboundTrafficPolicy").asString()).isEqualTo("ALLOW_ANY");
    JsonNode source = mesh.get("sources").get(0);
    assertThat(source.get("name").asString()).isEqualTo("file:" + CONFIG);
    assertThat(source.get("state").asString()).isEqualTo("ACTIVE");
    assertThat(mesh.get("lastRejection").isNull()).isTrue();
  }

  @Test
  void routesListEachServicesRulesInOrder() throws IOException {
    JsonNode routes = json("/actuator/mesh/routes");

    JsonNode reviews = service(routes, "reviews.default.svc.cluster.local");
    assertThat(reviews.get("virtualService").asString()).isEqualTo("VirtualService default/reviews");
    assertThat(names(reviews.get("routes"), "name")).containsExactly("jason-gets-v2", "kim-gets-v3", "everyone-else");
    JsonNode jason = reviews.get("routes").get(0);
    assertThat(jason.get("action").asString()).isEqualTo("FORWARD");
    assertThat(jason.get("destinations").get(0).get("subset").asString()).isEqualTo("v2");
    assertThat(jason.get("destinations").get(0).get("weight").asInt()).isEqualTo(100);
  }

  @Test
  void clustersListEndpointsWithTheirState() throws IOException {
    JsonNode clusters = json("/actuator/mesh/clusters");

    JsonNode v2 = null;
    for (JsonNode c : clusters.get("clusters")) {
      if (c.get("name").asString().equals("outbound|9080|v2|reviews.default.svc.cluster.local")) {
        v2 = c;
      }
    }
    assertThat(v2).as("cluster of subset v2 in %s", clusters).isNotNull();
    assertThat(v2.get("subset").asString()).isEqualTo("v2");
    assertThat(v2.get("port").asInt()).isEqualTo(9080);
    assertThat(v2.get("endpoints")).hasSize(1);
    JsonNode endpoint = v2.get("endpoints").get(0);
    assertThat(endpoint.get("address").asString()).isEqualTo("127.0.0.1:" + Bookinfo.V2.port());
    assertThat(endpoint.get("labels").get("version").asString()).isEqualTo("v2");
    assertThat(endpoint.get("ejected").asBoolean()).isFalse();
  }

  @Test
  void configDumpListsEveryResourceInForceWithItsOrigin() throws IOException {
    JsonNode dump = json("/actuator/mesh/configdump");

    assertThat(dump.get("version").asLong()).isEqualTo(1);
    assertThat(dump.get("resources")).hasSize(6);
    JsonNode vs = null;
    for (JsonNode r : dump.get("resources")) {
      if (r.get("kind").asString().equals("VirtualService") && r.get("name").asString().equals("reviews")) {
        vs = r;
      }
    }
    assertThat(vs).as("VirtualService reviews in %s", dump).isNotNull();
    assertThat(vs.get("namespace").asString()).isEqualTo("default");
    assertThat(vs.get("source").asString()).isEqualTo("file:" + CONFIG);
    assertThat(vs.get("location").asString()).isEqualTo(CONFIG.toString());
    JsonNode source = dump.get("sources").get(0);
    assertThat(source.get("name").asString()).isEqualTo("file:" + CONFIG);
    assertThat(source.get("entries").isArray()).as("a file source keeps no dump of its own").isTrue();
  }

  @Test
  void explainAnswersPlainTextWhenAskedAndJsonOtherwise() throws IOException {
    String url = "/actuator/mesh/explain?url=http://reviews:9080/reviews/1&header.end-user=jason";
    JsonNode asJson = json(url);
    try (Response r = PLAIN.newCall(new okhttp3.Request.Builder().url("http://127.0.0.1:" + port + url).header("Accept", "text/plain").build())
        .execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/plain");
      assertThat(r.body().string()).isEqualTo(asJson.get("text").asString()).contains("jason-gets-v2");
    }
    try (Response r = PLAIN.newCall(new okhttp3.Request.Builder()
        .url("http://127.0.0.1:" + port + "/actuator/mesh/explain-inbound?path=/reviews/1").header("Accept", "text/plain").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo(json("/actuator/mesh/explain-inbound?path=/reviews/1").get("text").asString());
    }
  }

  @Test
  void explainSaysWhichRuleSubsetAndEndpointARequestGets() throws IOException {
    JsonNode explain = json("/actuator/mesh/explain?url=http://reviews:9080/reviews/1&method=GET&header.end-user=jason");

    assertThat(explain.get("outcome").asString()).isEqualTo("FORWARD");
    assertThat(explain.get("virtualService").asString()).isEqualTo("VirtualService default/reviews");
    assertThat(explain.get("matchedRule").asInt()).isEqualTo(0);
    assertThat(explain.get("rules").get(0).get("matched").asBoolean()).isTrue();
    assertThat(explain.get("cluster").asString()).isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");
    assertThat(explain.get("endpoint").asString()).isEqualTo("127.0.0.1:" + Bookinfo.V2.port());
    assertThat(explain.get("text").asString()).contains("jason-gets-v2");

    JsonNode someoneElse = json("/actuator/mesh/explain?url=http://reviews:9080/reviews/1&header.end-user=kim");
    assertThat(someoneElse.get("matchedRule").asInt()).isEqualTo(1);
    assertThat(someoneElse.get("rules").get(0).get("matched").asBoolean()).isFalse();
    assertThat(someoneElse.get("rules").get(0).get("reasons").get(0).asString()).contains("end-user");
  }

  @Test
  void explainInboundSaysWhetherACallWouldBeAllowedAndWhichPolicyDecided() throws IOException {
    JsonNode denied = json("/actuator/mesh/explain-inbound?path=/denied&principal=cluster.local/ns/default/sa/reviews");

    assertThat(denied.get("allowed").asBoolean()).isFalse();
    assertThat(denied.get("policy").asString()).isEqualTo("AuthorizationPolicy default/deny-denied");
    assertThat(denied.get("steps")).isNotEmpty();
    assertThat(denied.get("text").asString()).contains("deny-denied");

    JsonNode allowed = json("/actuator/mesh/explain-inbound?path=/hello&method=GET");
    assertThat(allowed.get("allowed").asBoolean()).isTrue();
  }

  @Test
  void explainWithoutAUrlIsABadRequestAndAnUnknownPartNotFound() throws IOException {
    try (Response r = get("/actuator/mesh/explain")) {
      assertThat(r.code()).as("Boot's error page hides the reason by default").isEqualTo(400);
    }
    try (Response r = get("/actuator/mesh/explain-inbound?path=/x&principal=not-an-identity")) {
      assertThat(r.code()).isEqualTo(400);
    }
    try (Response r = get("/actuator/mesh/nope")) {
      assertThat(r.code()).isEqualTo(404);
    }
  }

  @Test
  void healthIsUpWithTheConfigIn() throws IOException {
    JsonNode health = json("/actuator/health/mesh");

    assertThat(health.get("status").asString()).isEqualTo("UP");
    assertThat(health.get("details").get("workload").asString()).isEqualTo("productpage.default");
    assertThat(health.get("details").get("version").asLong()).isEqualTo(1);
  }

  private static JsonNode service(JsonNode routes, String host) {
    for (JsonNode s : routes.get("services")) {
      if (s.get("host").asString().equals(host)) {
        return s;
      }
    }
    throw new AssertionError(host + " not in " + routes);
  }

  private static List<String> names(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      out.add(n.get(field).asString());
    }
    return out;
  }
}
