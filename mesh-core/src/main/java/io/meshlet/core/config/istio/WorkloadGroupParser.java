package io.meshlet.core.config.istio;

import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.WorkloadGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code WorkloadGroup.spec}: {@code metadata} (labels, annotations), {@code template} (a
 * WorkloadEntry without address) and {@code probe} (a readiness probe) are validated as Istio
 * validates them and reported as not applied: istiod registers the WorkloadEntries of a group when
 * its VMs connect and istio-agent runs the probe on the VM, neither of which happens inside an
 * application. WorkloadEntries written out are applied ({@link WorkloadEntryParser}).
 */
final class WorkloadGroupParser {
  private static final String NEEDS_ISTIOD =
      "not applied by Meshlet: istiod registers a group's WorkloadEntries when its VMs connect; write the WorkloadEntries "
          + "to use them here";
  private static final List<String> METHODS = List.of("httpGet", "tcpSocket", "exec", "grpc");

  private WorkloadGroupParser() {}

  static WorkloadGroup parse(YamlObject spec, ResourceId id, ResourceOrigin origin) {
    Problems problems = spec.problems();
    YamlObject metadata = spec.object("metadata");
    if (metadata != null) {
      metadata.stringMap("labels");
      metadata.stringMap("annotations");
      problems.notYetApplied(metadata.path(), NEEDS_ISTIOD);
    }
    YamlObject template = spec.object("template");
    if (template == null) {
      if (!spec.has("template")) {
        problems.error(spec.path("template"), "missing (required)");
      }
    } else {
      // The address is filled in by istiod at registration; the rest is a WorkloadEntry's.
      template.string("address");
      EndpointParser.fields(template, null, null);
      problems.notYetApplied(template.path(), NEEDS_ISTIOD);
    }
    YamlObject probe = spec.object("probe");
    if (probe != null) {
      probe(probe);
      problems.notYetApplied(probe.path(),
          "not applied by Meshlet: istio-agent runs a group's readiness probe on the VM and istiod marks the entry's health");
    }
    return new WorkloadGroup(id, origin, problems.notYetAppliedPaths());
  }

  private static void probe(YamlObject probe) {
    for (String f : List.of("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold")) {
      probe.integer(f, 0, Integer.MAX_VALUE);
    }
    List<String> given = new ArrayList<>();
    for (String m : METHODS) {
      if (probe.has(m)) {
        given.add(m);
      }
    }
    if (given.isEmpty()) {
      probe.problems().error(probe.path(), "no health check method (expected: one of " + String.join(", ", METHODS) + ")");
    } else if (given.size() > 1) {
      probe.problems().error(probe.path(given.get(1)), "given with " + given.get(0) + " (expected: one health check method)");
    }
    YamlObject http = probe.object("httpGet");
    if (http != null) {
      http.string("path");
      http.string("host");
      requiredPort(http);
      http.enumValue("scheme", List.of("HTTP", "HTTPS"));
      for (YamlObject h : http.objects("httpHeaders")) {
        h.headerName("name");
        h.string("value");
      }
    }
    YamlObject tcp = probe.object("tcpSocket");
    if (tcp != null) {
      tcp.string("host");
      requiredPort(tcp);
    }
    YamlObject exec = probe.object("exec");
    if (exec != null) {
      boolean written = exec.has("command");
      if (exec.strings("command").isEmpty() && (!written || exec.node("command").isEmpty())) {
        exec.problems().error(exec.path("command"), (written ? "empty" : "missing") + " (expected: the command and its arguments)");
      }
    }
    YamlObject grpc = probe.object("grpc");
    if (grpc != null) {
      grpc.port("port");
      grpc.string("service");
    }
  }

  private static void requiredPort(YamlObject o) {
    o.port("port");
    if (!o.has("port")) {
      o.problems().error(o.path("port"), "missing (required)");
    }
  }
}
