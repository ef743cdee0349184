package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.se;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.ServicePort;
import io.meshlet.core.model.WorkloadEndpoint;
import org.junit.jupiter.api.Test;

class ServiceEntryValidationTest {
  private static final String P = "ServiceEntry external (mesh.yaml): ";

  private static ServiceEntry only(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.errors()).isEmpty();
    return r.config().serviceEntries().get(0);
  }

  @Test
  void defaultsAndPorts() {
    ServiceEntry se = only(se("""
        hosts: [api.example.com]
        ports:
        - {number: 443, name: https, protocol: TLS}
        - {number: 80, name: http-web}
        - {number: 6379, name: cache, protocol: redis, targetPort: 16379}
        """));
    assertThat(se.location()).isEqualTo(ServiceEntry.Location.MESH_EXTERNAL);
    assertThat(se.resolution()).isEqualTo(ServiceEntry.Resolution.NONE);
    assertThat(se.hosts()).containsExactly("api.example.com");
    assertThat(se.ports()).containsExactly(
        new ServicePort(443, "TLS", "https", 0),
        new ServicePort(80, "HTTP", "http-web", 0),
        new ServicePort(6379, "REDIS", "cache", 16379));
  }

  @Test
  void portAndEnumErrors() {
    assertThat(errors(se("""
        hosts: [api.example.com]
        location: MESH_OUTSIDE
        resolution: dns
        ports:
        - {number: 0, protocol: HTTP}
        - {name: x, protocol: QUIC}
        - {number: 70000}
        """))).containsExactly(
            P + "ports[0].number: 0 (expected: 1..65535)",
            P + "ports[1].number: missing (required)",
            P + "ports[1].protocol: 'QUIC' (expected: one of HTTP, HTTPS, GRPC, HTTP2, TCP, TLS, MONGO, REDIS, MYSQL)",
            P + "ports[2].number: 70000 (expected: 1..65535)",
            P + "location: 'MESH_OUTSIDE' (expected: one of MESH_EXTERNAL, MESH_INTERNAL)",
            P + "resolution: 'dns' (expected: one of NONE, STATIC, DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS)");
  }

  @Test
  void hostsAreRequiredAndShortOnesQualified() {
    assertThat(errors(se("ports: [{number: 80}]"))).containsExactly(P + "hosts: missing (expected: at least one host)");
    assertThat(only(se("hosts: [Reviews]")).hosts()).containsExactly("reviews.default.svc.cluster.local");
  }

  @Test
  void staticEndpointsMustBeIpLiterals() {
    assertThat(errors(se("""
        hosts: [db.internal]
        resolution: STATIC
        ports: [{number: 5432, name: tcp}]
        endpoints:
        - address: 10.1.2.3
        - address: db1.internal
        - address: 256.1.1.1
        - address: "2001:db8::1"
        - labels: {a: b}
        - address: 10.1.2.4
          weight: -1
          ports: {tcp: 0}
        """))).containsExactly(
            P + "endpoints[1].address: 'db1.internal' (expected: an IP address, as resolution is STATIC)",
            P + "endpoints[2].address: '256.1.1.1' (expected: an IP address, as resolution is STATIC)",
            P + "endpoints[4].address: missing (required)",
            P + "endpoints[5].ports.tcp: 0 (expected: 1..65535)",
            P + "endpoints[5].weight: -1 (expected: 0..4294967295)");
  }

  @Test
  void unixSocketEndpointsAreLeftOutWithAWarningAndTheRestApply() {
    String yaml = se("""
        hosts: [db.internal]
        resolution: STATIC
        ports: [{number: 5432, name: tcp}]
        endpoints:
        - address: "unix:///var/run/db.sock"
        - address: 10.1.2.3
        """);
    assertThat(warnings(yaml)).containsExactly(P + "endpoints[0].address: 'unix:///var/run/db.sock': a unix domain socket"
        + " cannot be dialled by an in-process client; this endpoint is left out");
    assertThat(only(yaml).endpoints()).extracting(WorkloadEndpoint::address).containsExactly("10.1.2.3");
  }

  @Test
  void emptyProtocolIsReadAsHttpAndUdpPortsAreAcceptedButLeftOut() {
    String yaml = se("""
        hosts: [dns.example.com]
        ports:
        - {number: 53, name: dns, protocol: UDP}
        - {number: 8080, name: web, protocol: ""}
        """);
    assertThat(warnings(yaml)).containsExactly(
        P + "ports[0].protocol: 'UDP' is accepted but not dialled: Meshlet clients do not speak UDP; this port is left out",
        P + "ports[1].protocol: '' (Istio detects the protocol): Meshlet clients speak HTTP, so the port is treated as HTTP");
    assertThat(only(yaml).ports()).containsExactly(new ServicePort(8080, "HTTP", "web", 0));
  }

  @Test
  void dynamicDnsIsAppliedAsNoneWithAWarning() {
    String yaml = se("""
        hosts: ["*.example.com"]
        resolution: DYNAMIC_DNS
        ports: [{number: 80, name: http}]
        """);
    assertThat(warnings(yaml)).containsExactly(P + "resolution: DYNAMIC_DNS is applied as NONE: each call is sent to the"
        + " host it names, resolved by the client's DNS");
    assertThat(only(yaml).resolution()).isEqualTo(ServiceEntry.Resolution.NONE);
  }

  @Test
  void dnsEndpointsMayBeNamesAndWeightsAreCapped() {
    ServiceEntry se = only(se("""
        hosts: [db.internal]
        resolution: DNS
        ports: [{number: 5432, name: tcp}]
        endpoints:
        - address: db1.internal
          weight: 4294967295
          network: net1
          serviceAccount: db
        """));
    assertThat(se.endpoints()).containsExactly(
        new WorkloadEndpoint("db1.internal", java.util.Map.of(), java.util.Map.of(), "net1", null, Integer.MAX_VALUE, "db"));
  }

  @Test
  void endpointWarnings() {
    String unknownPortName = se("""
        hosts: [db.internal]
        resolution: STATIC
        ports: [{number: 5432, name: tcp}]
        endpoints:
        - address: 10.1.2.3
          ports: {postgres: 15432}
        """);
    assertThat(Yaml.errors(unknownPortName)).isEmpty();
    assertThat(Yaml.warnings(unknownPortName)).containsExactly(
        P + "endpoints[0].ports.postgres: 'postgres' is not the name of a port of this ServiceEntry; ignored");
    assertThat(Yaml.warnings(se("{hosts: [db], resolution: STATIC, ports: [{number: 1}]}"))).containsExactly(
        P + "endpoints: no endpoints: calls to db.default.svc.cluster.local will fail");
  }

  @Test
  void subjectAltNamesAndEndpointServiceAccountsAreReadAsTheServersIdentities() {
    String yaml = se("""
        hosts: [db.internal]
        resolution: STATIC
        workloadSelector: {labels: {app: db}}
        subjectAltNames: ["spiffe://cluster.local/ns/default/sa/db"]
        """);
    assertThat(only(yaml).notYetApplied()).isEmpty();
    assertThat(only(yaml).subjectAltNames()).containsExactly("spiffe://cluster.local/ns/default/sa/db");
    assertThat(only(yaml).workloadSelector()).containsExactly(java.util.Map.entry("app", "db"));
    assertThat(warnings(yaml)).isEmpty();

    String accounts = se("""
        hosts: [db.internal]
        resolution: STATIC
        ports: [{number: 5432, name: tcp}]
        endpoints: [{address: 10.1.2.3, serviceAccount: db}]
        """);
    assertThat(warnings(accounts)).isEmpty();
    assertThat(only(accounts).endpoints().get(0).serviceAccount()).isEqualTo("db");
  }
}
