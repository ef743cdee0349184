package io.meshlet.core.config.istio;

import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.ServicePort;
import io.meshlet.core.model.WorkloadEndpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** {@code ServiceEntry.spec}: hosts, addresses, ports, location, resolution, endpoints or workloadSelector, exportTo. */
final class ServiceEntryParser {
  static final List<String> PROTOCOLS =
      List.of("HTTP", "HTTPS", "GRPC", "HTTP2", "TCP", "TLS", "MONGO", "REDIS", "MYSQL");
  private static final List<String> LOCATIONS = List.of("MESH_EXTERNAL", "MESH_INTERNAL");
  private static final List<String> RESOLUTIONS = List.of("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS");
  /** Accepted as Istio accepts them, warned about and never dialled: no port of the model is made for them. */
  private static final List<String> NOT_DIALLED = List.of("UDP");

  private ServiceEntryParser() {}

  static ServiceEntry parse(YamlObject spec, ResourceId id, ResourceOrigin origin) {
    Problems problems = spec.problems();
    List<String> hosts = spec.qualifiedHosts("hosts", id.namespace());
    JsonNode hostsNode = spec.node("hosts");
    if (hostsNode == null) {
      problems.error(spec.path("hosts"), "missing (expected: at least one host)");
    } else if (hostsNode.isArray() && hostsNode.isEmpty()) {
      problems.error(spec.path("hosts"), "empty (expected: at least one host)");
    }
    List<String> addresses = ServiceEntryAddresses.read(spec);
    List<ServicePort> ports = ports(spec);
    String location = spec.enumValue("location", LOCATIONS);
    if (location != null) {
      problems.acceptedUnused(spec.path("location"), "accepted without a warning; nothing in Meshlet depends on it");
    }
    String resolutionName = spec.enumValue("resolution", RESOLUTIONS);
    if ("DYNAMIC_DNS".equals(resolutionName)) {
      // Istio resolves the host each call asked for; an in-process client already dials that host by name.
      problems.warning(spec.path("resolution"),
          "DYNAMIC_DNS is applied as NONE: each call is sent to the host it names, resolved by the client's DNS");
      resolutionName = "NONE";
    }
    ServiceEntry.Resolution resolution =
        resolutionName == null ? ServiceEntry.Resolution.NONE : ServiceEntry.Resolution.valueOf(resolutionName);
    List<WorkloadEndpoint> endpoints = EndpointParser.parse(spec, resolution, ports);
    if (resolution == ServiceEntry.Resolution.NONE && !endpoints.isEmpty()) {
      problems.warning(spec.path("endpoints"), "ignored: resolution NONE sends calls to the address the caller asked for");
    }
    Map<String, String> workloadSelector = WorkloadSelectorParser.parse(spec, id, resolution);
    if (resolution == ServiceEntry.Resolution.STATIC && !spec.has("endpoints") && workloadSelector == null && !hosts.isEmpty()) {
      problems.warning(spec.path("endpoints"), "no endpoints: calls to " + hosts.get(0) + " will fail");
    }
    List<String> exportTo = spec.strings("exportTo");
    List<String> subjectAltNames = spec.strings("subjectAltNames");
    return new ServiceEntry(
        id,
        origin,
        hosts,
        addresses,
        ports,
        location == null ? ServiceEntry.Location.MESH_EXTERNAL : ServiceEntry.Location.valueOf(location),
        resolution,
        endpoints,
        exportTo,
        problems.notYetAppliedPaths(),
        workloadSelector,
        subjectAltNames);
  }

  private static List<ServicePort> ports(YamlObject spec) {
    List<ServicePort> out = new ArrayList<>();
    Set<Integer> numbers = new HashSet<>();
    for (YamlObject p : spec.objects("ports")) {
      Integer number = p.port("number");
      if (!p.has("number")) {
        p.problems().error(p.path("number"), "missing (required)");
      }
      String name = p.string("name");
      String protocol = protocol(p, name);
      Integer target = p.port("targetPort");
      if (number != null && !numbers.add(number)) {
        p.problems().error(p.path("number"), number + " is used by another port (expected: unique numbers)");
      }
      if (number != null && protocol != null) {
        out.add(new ServicePort(number, protocol, name, target == null ? 0 : target));
      }
    }
    return out;
  }

  /** The protocol, case-insensitive; when absent, taken from a {@code <protocol>[-suffix]} port name, else TCP. */
  private static @Nullable String protocol(YamlObject p, @Nullable String name) {
    String written = p.string("protocol");
    if (written != null && written.isEmpty()) {
      p.problems().warning(p.path("protocol"),
          "'' (Istio detects the protocol): Meshlet clients speak HTTP, so the port is treated as HTTP");
      return "HTTP";
    }
    if (written != null) {
      String upper = written.toUpperCase(Locale.ROOT);
      if (NOT_DIALLED.contains(upper)) {
        p.problems().warning(p.path("protocol"), "'" + written + "' is accepted but not dialled: Meshlet clients do not speak "
            + upper + "; this port is left out");
        return null;
      }
      if (!PROTOCOLS.contains(upper)) {
        p.problems().error(p.path("protocol"), "'" + written + "' (expected: one of " + String.join(", ", PROTOCOLS) + ")");
        return null;
      }
      p.problems().acceptedUnused(p.path("protocol"), "accepted without a warning: HTTP routing applies to every port "
          + "whatever its protocol ('' is read as HTTP and UDP ports are left out, both with a warning)");
      return upper;
    }
    if (name != null) {
      int dash = name.indexOf('-');
      String prefix = (dash < 0 ? name : name.substring(0, dash)).toUpperCase(Locale.ROOT);
      if (PROTOCOLS.contains(prefix)) {
        return prefix;
      }
    }
    return "TCP";
  }
}
