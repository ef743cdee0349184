package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.se;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.WorkloadEndpoint;
import io.meshlet.core.model.WorkloadEntry;
import io.meshlet.core.model.WorkloadGroup;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** WorkloadEntry and WorkloadGroup documents, and ServiceEntry's workloadSelector, as the YAML translator reads them. */
class WorkloadEntryValidationTest {
  private static final String WE = "WorkloadEntry vm (mesh.yaml): ";
  private static final String WG = "WorkloadGroup vms (mesh.yaml): ";
  private static final String SE = "ServiceEntry external (mesh.yaml): ";

  private static String we(String version, String spec) {
    return "apiVersion: networking.istio.io/" + version + "\nkind: WorkloadEntry\nmetadata: {name: vm}\nspec:\n"
        + spec.stripIndent().lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }

  private static String we(String spec) {
    return we("v1", spec);
  }

  private static String wg(String spec) {
    return "apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata: {name: vms}\nspec:\n"
        + spec.stripIndent().lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }

  private static WorkloadEntry onlyEntry(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.errors()).isEmpty();
    assertThat(r.config().workloadEntries()).hasSize(1);
    return r.config().workloadEntries().get(0);
  }

  @Test
  void everyFieldOfAnEntryInEveryVersion() {
    for (String version : new String[] {"v1", "v1beta1", "v1alpha3"}) {
      String yaml = we(version, """
          address: 10.0.0.7
          ports: {http: 9081, grpc-api: 7070}
          labels: {app: reviews, version: v2}
          network: vm-net
          locality: us-east/zone-a/rack-1
          weight: 5
          serviceAccount: reviews
          """);
      WorkloadEntry e = onlyEntry(yaml);
      assertThat(e.id().toString()).contains("WorkloadEntry").contains("default").contains("vm");
      assertThat(e.labels()).isEqualTo(Map.of("app", "reviews", "version", "v2"));
      WorkloadEndpoint ep = e.endpoint();
      assertThat(ep.address()).isEqualTo("10.0.0.7");
      assertThat(ep.ports()).isEqualTo(Map.of("http", 9081, "grpc-api", 7070));
      assertThat(ep.labels()).as("named for telemetry as istiod names an entry's workload")
          .isEqualTo(Map.of("app", "reviews", "version", "v2", "service.istio.io/workload-name", "vm"));
      assertThat(ep.locality()).isEqualTo("us-east/zone-a/rack-1");
      assertThat(ep.weight()).isEqualTo(5);
      assertThat(ep.serviceAccount()).as("the identity ISTIO_MUTUAL expects of it").isNotNull();
      assertThat(e.notYetApplied()).containsExactly("network");
      assertThat(warnings(yaml)).containsExactly(WE + "network: not yet applied by Meshlet");
    }
  }

  @Test
  void aHostNameAddressAndIstiosLocalityLabels() {
    WorkloadEntry e = onlyEntry(we("{address: vm-7.example.com, labels: {istio-locality: eu-west1.b}}"));
    assertThat(e.endpoint().address()).isEqualTo("vm-7.example.com");
    assertThat(e.endpoint().locality()).as("the legacy label's dots are the locality's separators").isEqualTo("eu-west1/b");
    assertThat(e.endpoint().weight()).isEqualTo(1);
    WorkloadEntry labelled = onlyEntry(we("""
        address: 10.0.0.8
        labels: {topology.istio.io/locality: us/east, service.istio.io/workload-name: reviews-vms}
        """));
    assertThat(labelled.endpoint().locality()).isEqualTo("us/east");
    assertThat(labelled.endpoint().labels()).containsEntry("service.istio.io/workload-name", "reviews-vms");
  }

  @Test
  void badAddressesAndPortsNameTheirField() {
    assertThat(errors(we("{ports: {http: 8080}}"))).containsExactly(WE + "address: missing (required)");
    assertThat(errors(we("""
        address: "not an address!"
        ports: {http: 0, Web_Port: 80, grpc: 70000, tcp: eighty}
        weight: -1
        """))).containsExactly(
            WE + "address: 'not an address!' (expected: an IP address or a host name)",
            WE + "ports.http: 0 (expected: 1..65535)",
            WE + "ports.Web_Port: port name 'Web_Port' (expected: a DNS-1123 label: lower-case letters, digits and inner -, at most 63)",
            WE + "ports.grpc: 70000 (expected: 1..65535)",
            WE + "ports.tcp: 'eighty' (expected: an integer 1..65535)",
            WE + "weight: -1 (expected: 0..4294967295)");
    assertThat(errors(we("{address: '*.example.com'}")))
        .containsExactly(WE + "address: '*.example.com' (expected: an IP address or a host name)");
    assertThat(errors(we("{address: 10.0.0.1, ports: [80]}")))
        .containsExactly(WE + "ports: a list (expected: a mapping of port names to numbers)");
    assertThat(errors(we("{address: 'unix:///var/run/app.sock', ports: {http: 80}}"))).containsExactly(
        WE + "ports: given with the unix address 'unix:///var/run/app.sock' (expected: no ports for a unix socket)");
    assertThat(errors(we("{address: 10.0.0.1, portz: {http: 80}}"))).hasSize(1).allSatisfy(m ->
        assertThat(m).startsWith(WE + "portz: unknown field"));
  }

  @Test
  void entriesThatCannotBeDialledAreKeptWithoutEndpoint() {
    String unix = we("{address: 'unix:///var/run/app.sock', labels: {app: local}}");
    assertThat(onlyEntry(unix).endpoint()).isNull();
    assertThat(onlyEntry(unix).labels()).containsEntry("app", "local");
    assertThat(warnings(unix)).containsExactly(WE + "address: 'unix:///var/run/app.sock': a unix domain socket cannot be "
        + "dialled by an in-process client; this WorkloadEntry gives no endpoint");
    String behindGateway = we("{network: network-2, labels: {app: reviews}}");
    assertThat(onlyEntry(behindGateway).endpoint()).isNull();
    assertThat(warnings(behindGateway)).contains(WE + "address: unset with a network: Istio reaches such a workload through "
        + "its network's gateway, which an in-process client cannot; this WorkloadEntry gives no endpoint");
  }

  @Test
  void aGroupIsValidatedAndReportedAsNotApplied() {
    String yaml = wg("""
        metadata:
          labels: {app: reviews}
          annotations: {team: books}
        template:
          ports: {http: 9080}
          labels: {version: v1}
          serviceAccount: reviews
        probe:
          initialDelaySeconds: 5
          periodSeconds: 10
          timeoutSeconds: 2
          successThreshold: 1
          failureThreshold: 3
          httpGet: {path: /ready, port: 9080, scheme: HTTP, host: 127.0.0.1, httpHeaders: [{name: x-probe, value: "1"}]}
        """);
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.errors()).isEmpty();
    WorkloadGroup g = r.config().workloadGroups().get(0);
    assertThat(g.notYetApplied()).containsExactly("metadata", "template", "probe");
    assertThat(warnings(yaml)).containsExactly(
        WG + "metadata: not applied by Meshlet: istiod registers a group's WorkloadEntries when its VMs connect; "
            + "write the WorkloadEntries to use them here",
        WG + "template: not applied by Meshlet: istiod registers a group's WorkloadEntries when its VMs connect; "
            + "write the WorkloadEntries to use them here",
        WG + "probe: not applied by Meshlet: istio-agent runs a group's readiness probe on the VM and istiod marks "
            + "the entry's health");
    assertThat(parse(wg("{template: {}, probe: {tcpSocket: {port: 9080}}}")).errors()).isEmpty();
    assertThat(parse(wg("{template: {}, probe: {exec: {command: [cat, /tmp/ready]}}}")).errors()).isEmpty();
    assertThat(parse(wg("{template: {}, probe: {grpc: {port: 9090, service: health}}}")).errors()).isEmpty();
  }

  @Test
  void groupErrorsNameTheirField() {
    assertThat(errors(wg("{metadata: {labels: {app: reviews}}}"))).containsExactly(WG + "template: missing (required)");
    assertThat(errors(wg("""
        template: {ports: {http: 0}}
        probe:
          periodSeconds: -1
          httpGet: {path: /ready, scheme: FTP}
        """))).containsExactly(
            WG + "template.ports.http: 0 (expected: 1..65535)",
            WG + "probe.periodSeconds: -1 (expected: 0..2147483647)",
            WG + "probe.httpGet.port: missing (required)",
            WG + "probe.httpGet.scheme: 'FTP' (expected: one of HTTP, HTTPS)");
    assertThat(errors(wg("{template: {}, probe: {tcpSocket: {port: 1}, exec: {command: [/bin/true]}}}")))
        .containsExactly(WG + "probe.exec: given with tcpSocket (expected: one health check method)");
    assertThat(errors(wg("{template: {}, probe: {exec: {}}}")))
        .containsExactly(WG + "probe.exec.command: missing (expected: the command and its arguments)");
    assertThat(errors(wg("{template: {}, probe: {exec: {command: []}}}")))
        .containsExactly(WG + "probe.exec.command: empty (expected: the command and its arguments)");
    assertThat(errors(wg("{template: {}, probe: {periodSeconds: 5}}")))
        .containsExactly(WG + "probe: no health check method (expected: one of httpGet, tcpSocket, exec, grpc)");
  }

  @Test
  void serviceEntryWorkloadSelector() {
    String yaml = se("""
        hosts: [reviews.vms]
        resolution: STATIC
        ports: [{number: 9080, name: http}]
        workloadSelector: {labels: {app: reviews}}
        """);
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.errors()).isEmpty();
    assertThat(r.warnings()).as("no 'no endpoints' warning: the selected entries are its endpoints").isEmpty();
    ServiceEntry s = r.config().serviceEntries().get(0);
    assertThat(s.workloadSelector()).isEqualTo(Map.of("app", "reviews"));
    assertThat(s.notYetApplied()).isEmpty();
    assertThat(parse(se("{hosts: [a.vms], resolution: STATIC, ports: [{number: 80}]}")).config().serviceEntries().get(0)
        .workloadSelector()).isNull();

    assertThat(errors(se("""
        hosts: [reviews.vms]
        resolution: STATIC
        ports: [{number: 9080, name: http}]
        endpoints: [{address: 10.0.0.1}]
        workloadSelector: {labels: {"": x, "app*": reviews, version: "v*"}}
        """))).containsExactly(
            SE + "workloadSelector.labels.: empty key (expected: a label name)",
            SE + "workloadSelector.labels.app*: 'app*' (expected: a label name; wildcards are not supported in a selector)",
            SE + "workloadSelector.labels.version: 'v*' (expected: a label value; wildcards are not supported in a selector)",
            SE + "workloadSelector: given with endpoints (expected: only one of workloadSelector or endpoints)");
    assertThat(warnings(se("{hosts: [reviews.vms], resolution: STATIC, ports: [{number: 80}], workloadSelector: {}}")))
        .containsExactly(SE + "workloadSelector.labels: no labels: selects every WorkloadEntry in namespace default");
    assertThat(warnings(se("{hosts: [reviews.vms], ports: [{number: 80}], workloadSelector: {labels: {app: x}}}")))
        .containsExactly(SE + "workloadSelector: not used: resolution NONE sends calls to the address the caller asked for "
            + "(expected: STATIC or DNS)");
  }
}
