package io.meshlet.consul;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Consul agent's HTTP API as WireMock stubs, answering as Consul documents it: the health and
 * config endpoints return JSON arrays with {@code X-Consul-Index}; a request with the current index
 * is held for a while and answered with the same index (a blocking query that timed out), one with
 * an older index is answered at once with the current state.
 */
final class ConsulStub implements AutoCloseable {
  final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  /** How long a blocking query with the current index is held, standing in for {@code wait}. */
  static final int HOLD_MILLIS = 150;
  private StubMapping failure;
  private final Map<String, List<StubMapping>> stubs = new java.util.HashMap<>();

  ConsulStub() {
    server.start();
  }

  URI address() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** An instance as the health API lists it. */
  record Instance(String id, String address, int port, List<String> tags, Map<String, String> meta, String status) {
    static Instance passing(String id, int port, Map<String, String> meta, String... tags) {
      return new Instance(id, "127.0.0.1", port, List.of(tags), meta, "passing");
    }

    String json() {
      String tagList = tags.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
      String metaObj = meta.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
          .collect(Collectors.joining(","));
      return """
          {"Node":{"ID":"40e4a748-2192-161a-0510-9bf59fe950b5","Node":"node-%1$s","Address":"%2$s","Datacenter":"dc1",
            "TaggedAddresses":{"lan":"%2$s","wan":"%2$s"},"Meta":{"instance_type":"t2.medium"}},
           "Service":{"ID":"%1$s","Service":"reviews","Tags":[%4$s],"Address":"%2$s","Meta":{%5$s},"Port":%3$d,
            "Weights":{"Passing":1,"Warning":1},"EnableTagOverride":false,"Namespace":"default"},
           "Checks":[{"Node":"node-%1$s","CheckID":"serfHealth","Name":"Serf Health Status","Status":"passing","Notes":"",
             "Output":"Agent alive and reachable","ServiceID":"","ServiceName":"","ServiceTags":[]},
            {"Node":"node-%1$s","CheckID":"service:%1$s","Name":"Service check","Status":"%6$s","Notes":"","Output":"",
             "ServiceID":"%1$s","ServiceName":"reviews","ServiceTags":[%4$s]}]}"""
          .formatted(id, address, port, tagList, metaObj, status);
    }
  }

  /**
   * The health of {@code service} at {@code index}: a query from any other index gets it at once, a
   * query at {@code index} is held and answered unchanged. The latest call wins for older indexes.
   */
  void health(String service, long index, List<Instance> instances) {
    String body = instances.stream().map(Instance::json).collect(Collectors.joining(",", "[", "]"));
    answer("/v1/health/service/" + service, index, body);
  }

  /**
   * The health of {@code service} in datacenter {@code dc} ({@code ?dc=}), as {@link #health}; these
   * stubs win over the agent's own datacenter's for requests that name {@code dc}. Give the two
   * datacenters different indexes.
   */
  void health(String service, String dc, long index, List<Instance> instances) {
    String body = instances.stream().map(Instance::json).collect(Collectors.joining(",", "[", "]"));
    String path = "/v1/health/service/" + service;
    String key = path + "?dc=" + dc;
    for (StubMapping old : stubs.getOrDefault(key, List.of())) {
      server.removeStub(old);
    }
    List<StubMapping> now = new ArrayList<>();
    stubs.put(key, now);
    now.add(server.stubFor(withPriority(get(urlPathEqualTo(path)).withQueryParam("dc", equalTo(dc)), 5)
        .willReturn(json(body, index, 0))));
    now.add(server.stubFor(withPriority(get(urlPathEqualTo(path)).withQueryParam("dc", equalTo(dc))
        .withQueryParam("index", equalTo(Long.toString(index))), 1).willReturn(json(body, index, HOLD_MILLIS))));
  }

  /** The catalog's services at {@code index}, as {@link #health}. */
  void catalog(long index, String... services) {
    StringBuilder body = new StringBuilder("{");
    for (String svc : services) {
      body.append(body.length() > 1 ? "," : "").append('"').append(svc).append("\":[]");
    }
    answer("/v1/catalog/services", index, body.append('}').toString());
  }

  /** The entries of config kind {@code kind} (JSON objects) at {@code index}, as {@link #health}. */
  void configEntries(String kind, long index, String... entries) {
    answer("/v1/config/" + kind, index, "[" + String.join(",", entries) + "]");
  }

  private void answer(String path, long index, String body) {
    if (failure != null) { // the agent is back
      server.removeStub(failure);
      failure = null;
    }
    for (StubMapping old : stubs.getOrDefault(path, List.of())) {
      server.removeStub(old);
    }
    List<StubMapping> now = new ArrayList<>();
    stubs.put(path, now);
    // Any index: the current state at once (lowest priority).
    now.add(server.stubFor(withPriority(get(urlPathEqualTo(path)), 10).willReturn(json(body, index, 0))));
    // The current index: held, then the same (a blocking query that ran out of wait).
    now.add(server.stubFor(withPriority(get(urlPathEqualTo(path)).withQueryParam("index", equalTo(Long.toString(index))), 1)
        .willReturn(json(body, index, HOLD_MILLIS))));
  }

  /** The agent answers every request with {@code status} (a restarting agent, an ACL failure) until the next answer is stubbed. */
  void failing(int status, String body) {
    // Added first (the newest stub of the highest priority wins), so no request sees a gap.
    failure = server.stubFor(get(com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).atPriority(1)
        .willReturn(aResponse().withStatus(status).withBody(body)));
    stubs.values().forEach(list -> list.forEach(server::removeStub));
    stubs.clear();
  }

  /** Requests received at {@code path}, in order, as their query strings. */
  List<String> queries(String path) {
    List<String> out = new ArrayList<>();
    for (var e : server.getAllServeEvents()) {
      if (e.getRequest().getUrl().startsWith(path)) {
        out.add(0, e.getRequest().getUrl());
      }
    }
    return out;
  }

  private static MappingBuilder withPriority(MappingBuilder b, int priority) {
    return b.atPriority(priority);
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body, long index, int delay) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withHeader("X-Consul-Index", Long.toString(index)).withHeader("X-Consul-Knownleader", "true")
        .withHeader("X-Consul-Lastcontact", "0").withFixedDelay(delay).withBody(body);
  }

  @Override
  public void close() {
    server.stop();
  }
}
