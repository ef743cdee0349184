package io.meshlet.core.config.istio;

import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.ServicePort;
import io.meshlet.core.model.WorkloadEndpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** {@code ServiceEntry.endpoints[]}: Istio's {@code WorkloadEntry} written inline. */
final class EndpointParser {
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

  private EndpointParser() {}

  static List<WorkloadEndpoint> parse(YamlObject spec, ServiceEntry.Resolution resolution, List<ServicePort> ports) {
    List<WorkloadEndpoint> out = new ArrayList<>();
    for (YamlObject e : spec.objects("endpoints")) {
      String address = e.requiredString("address");
      if (address != null && address.startsWith("unix://")) {
        e.problems().warning(e.path("address"),
            "'" + address + "': a unix domain socket cannot be dialled by an in-process client; this endpoint is left out");
        address = null;
      } else if (address != null && resolution == ServiceEntry.Resolution.STATIC && !isIpLiteral(address)) {
        e.problems().error(e.path("address"), "'" + address + "' (expected: an IP address, as resolution is STATIC)");
        address = null;
      }
      WorkloadEndpoint endpoint = fields(e, address, ports);
      if (endpoint != null) {
        out.add(endpoint);
      }
    }
    return out;
  }

  /**
   * The fields of a WorkloadEntry besides its address (checked by the caller): ports, labels,
   * network (read, not applied), serviceAccount (the identity ISTIO_MUTUAL expects of it, ServerIdentities), locality (else Istio's locality label), weight.
   * Null when {@code address} is null.
   *
   * @param servicePorts the ServiceEntry's ports, whose names {@code ports} should use; null for a
   *     WorkloadEntry written on its own, which no one ServiceEntry owns
   */
  static @Nullable WorkloadEndpoint fields(YamlObject e, @Nullable String address, @Nullable List<ServicePort> servicePorts) {
    Map<String, Integer> endpointPorts = ports(e, servicePorts);
    Map<String, String> labels = e.stringMap("labels");
    String network = e.string("network");
    String locality = e.string("locality");
    if (locality == null || locality.isEmpty()) {
      locality = localityLabel(labels);
    }
    Long weight = e.integer("weight", 0, 0xFFFF_FFFFL);
    String serviceAccount = e.string("serviceAccount");
    if (e.has("network")) {
      e.problems().notYetApplied(e.path("network"));
    }
    int w = weight == null || weight == 0 ? 1 : (int) Math.min(weight, Integer.MAX_VALUE);
    return address == null ? null : new WorkloadEndpoint(address, endpointPorts, labels, network, locality, w, serviceAccount);
  }

  /**
   * Istio's locality labels, read when {@code locality} is not set: {@code topology.istio.io/locality},
   * else the legacy {@code istio-locality}, whose {@code .} separate the parts when it has no {@code /}.
   */
  static @Nullable String localityLabel(Map<String, String> labels) {
    String label = labels.get("topology.istio.io/locality");
    if (label == null) {
      label = labels.get("istio-locality");
    }
    if (label == null || label.isEmpty()) {
      return null;
    }
    return label.indexOf('/') >= 0 ? label : label.replace('.', '/');
  }

  private static Map<String, Integer> ports(YamlObject e, @Nullable List<ServicePort> servicePorts) {
    JsonNode n = e.node("ports");
    if (n == null) {
      return Map.of();
    }
    if (!n.isObject()) {
      e.problems().error(e.path("ports"), Values.render(n) + " (expected: a mapping of port names to numbers)");
      return Map.of();
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> p : n.properties()) {
      String path = e.path("ports") + "." + p.getKey();
      Long number = Values.integer(e.problems(), path, p.getValue(), 1, 65535);
      if (number == null) {
        continue;
      }
      if (servicePorts == null) {
        if (p.getKey().length() > 63 || !PORT_NAME.matcher(p.getKey()).matches()) {
          e.problems().error(path, "port name '" + p.getKey()
              + "' (expected: a DNS-1123 label: lower-case letters, digits and inner -, at most 63)");
          continue;
        }
      } else if (servicePorts.stream().noneMatch(sp -> p.getKey().equals(sp.name()))) {
        e.problems().warning(path, "'" + p.getKey() + "' is not the name of a port of this ServiceEntry; ignored");
      }
      out.put(p.getKey(), number.intValue());
    }
    return out;
  }

  /** True for an IPv4 or IPv6 literal; never looks a name up. */
  static boolean isIpLiteral(String address) {
    if (IPV4.matcher(address).matches()) {
      return true;
    }
    String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    if (a.indexOf(':') < 0 || !IPV6_CHARS.matcher(a).matches()) {
      return false;
    }
    try {
      // A string with ':' made only of hex digits, ':' and '.' is parsed as an IPv6 literal, never resolved.
      InetAddress.getByName(a);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
