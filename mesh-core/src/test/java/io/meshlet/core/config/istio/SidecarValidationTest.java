package io.meshlet.core.config.istio;

import static io.meshlet.core.config.istio.Yaml.errors;
import static io.meshlet.core.config.istio.Yaml.parse;
import static io.meshlet.core.config.istio.Yaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.Sidecar;
import io.meshlet.core.model.Sidecar.EgressListener;
import io.meshlet.core.model.Sidecar.HostPattern;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarValidationTest {
  private static final String P = "Sidecar default (mesh.yaml): ";

  static String sidecar(String version, String spec) {
    return "apiVersion: networking.istio.io/" + version + "\nkind: Sidecar\nmetadata:\n  name: default\nspec:\n"
        + spec.indent(2);
  }

  private static Sidecar only(String yaml) {
    IstioYaml.ParseResult r = parse(yaml);
    assertThat(r.errors()).isEmpty();
    assertThat(r.config().sidecars()).hasSize(1);
    return r.config().sidecars().get(0);
  }

  @Test
  void everyAppliedFieldInEveryVersion() {
    for (String version : List.of("v1", "v1beta1", "v1alpha3")) {
      Sidecar s = only(sidecar(version, """
          workloadSelector: {labels: {app: productpage}}
          egress:
          - hosts: ["./*", "istio-system/*", "*/ratings.prod.svc.cluster.local", "~/*", "edge/api"]
          outboundTrafficPolicy: {mode: REGISTRY_ONLY}
          """));
      assertThat(s).isEqualTo(new Sidecar(new ResourceId("Sidecar", "default", "default"),
          new ResourceOrigin("file", "mesh.yaml"), Map.of("app", "productpage"),
          List.of(new EgressListener(null, List.of(new HostPattern("default", "*"), new HostPattern("istio-system", "*"),
              new HostPattern("*", "ratings.prod.svc.cluster.local"), new HostPattern("~", "*"),
              new HostPattern("edge", "api.edge.svc.cluster.local")))),
          Sidecar.OutboundMode.REGISTRY_ONLY, List.of()));
    }
  }

  @Test
  void hostScope() {
    Sidecar s = only(sidecar("v1", "egress:\n- hosts: [\"./*\", \"*/*.example.com\", \"~/*\"]\n"));
    assertThat(s.admits("reviews.default.svc.cluster.local", "default")).isTrue();
    assertThat(s.admits("reviews.prod.svc.cluster.local", "prod")).isFalse();
    assertThat(s.admits("api.example.com", "prod")).isTrue();
    assertThat(s.admits("example.com", "prod")).isFalse();
    assertThat(only(sidecar("v1", "egress:\n- hosts: [\"~/*\"]\n")).admits("reviews.default.svc.cluster.local", "default"))
        .isFalse();
    assertThat(only(sidecar("v1", "outboundTrafficPolicy: {mode: ALLOW_ANY}\n")).admits("any", "x")).isTrue();
  }

  @Test
  void everyErrorWithItsPath() {
    assertThat(errors(sidecar("v1", """
        workloadSelector: {}
        egress:
        - hosts: [reviews, "/x", "./", "a/b/c", "./bad_host"]
        - port: {number: 0}
        outboundTrafficPolicy: {mode: DENY}
        egres: []
        """))).containsExactly(
            P + "workloadSelector.labels: missing (expected: the labels of the workloads this Sidecar applies to)",
            P + "egress[0].hosts[0]: 'reviews' (expected: namespace/dnsName, e.g. ./*, istio-system/*, */reviews.default.svc.cluster.local)",
            P + "egress[0].hosts[1]: '/x' (expected: namespace/dnsName, e.g. ./*, istio-system/*, */reviews.default.svc.cluster.local)",
            P + "egress[0].hosts[2]: './' (expected: namespace/dnsName, e.g. ./*, istio-system/*, */reviews.default.svc.cluster.local)",
            P + "egress[0].hosts[3]: 'a/b/c' (expected: namespace/dnsName, e.g. ./*, istio-system/*, */reviews.default.svc.cluster.local)",
            P + "egress[0].hosts[4]: './bad_host': dnsName 'bad_host' (expected: a host name of DNS-1123 labels, only the first may be *; '_' is not allowed)",
            P + "egress[1].port.number: 0 (expected: 1..65535)",
            P + "egress[1].hosts: missing (expected: at least one namespace/dnsName, e.g. ./* or istio-system/*)",
            P + "outboundTrafficPolicy.mode: 'DENY' (expected: one of ALLOW_ANY, REGISTRY_ONLY)",
            P + "egres: unknown field (did you mean egress?)");
  }

  @Test
  void ingressAndTheOtherSidecarOnlyFieldsAreReportedNotAppliedOrNotSupportedInProcess() {
    assertThat(warnings(sidecar("v1", """
        ingress:
        - port: {number: 9080, protocol: HTTP, name: http}
          defaultEndpoint: 127.0.0.1:8080
        egress:
        - port: {number: 9080, protocol: HTTP, name: http}
          bind: 127.0.0.1
          hosts: ["./*"]
        outboundTrafficPolicy: {mode: REGISTRY_ONLY, egressProxy: {host: egress.istio-system.svc.cluster.local}}
        """))).allMatch(w -> w.contains("not yet applied") || w.contains("not applied") || w.contains("not supported in-process"))
        .anyMatch(w -> w.contains("ingress"))
        .anyMatch(w -> w.contains("egress[0].port"))
        .anyMatch(w -> w.contains("egress[0].bind"))
        .anyMatch(w -> w.contains("outboundTrafficPolicy.egressProxy"));
  }
}
