package io.meshlet.core.config.istio;

import io.meshlet.core.security.PolicyValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * {@code ServiceEntry.spec.addresses}: the service's virtual IPs or CIDRs, checked as Istio checks
 * them (an IP address or CIDR each) and kept on the model. They are not used for routing: an
 * in-process client names the host it calls, so a call is matched by host name, never by address.
 */
final class ServiceEntryAddresses {
  private ServiceEntryAddresses() {}

  static List<String> read(YamlObject spec) {
    Problems problems = spec.problems();
    JsonNode n = spec.node("addresses");
    if (n == null) {
      return List.of();
    }
    String path = spec.path("addresses");
    if (!n.isArray()) {
      problems.error(path, Values.render(n) + " (expected: a list of IP addresses or CIDRs)");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode item = n.get(i);
      String value = item.isString() ? item.stringValue() : flowMappingIpv6(item);
      if (value == null) {
        problems.error(at, Values.render(item) + " (expected: an IP address or CIDR)");
        continue;
      }
      if (!item.isString()) {
        problems.warning(at, "read as '" + value + "': inside [ ] YAML 1.2 takes an unquoted address ending in ':'"
            + " for a mapping (Kubernetes' YAML reader does not); quote it to be read the same everywhere");
      }
      String problem = PolicyValues.ipProblem(value);
      if (problem != null) {
        problems.error(at, problem);
      } else {
        out.add(value.intern());
      }
    }
    if (!out.isEmpty()) {
      problems.notYetApplied(path, "kept but not used for routing: Meshlet matches a call by the host name it"
          + " names, so a call to one of these addresses is not routed by this ServiceEntry");
    }
    return out;
  }

  /**
   * {@code [1.2.3.4, 2001:db8::]} reads, in YAML 1.2's flow style, as {@code ["1.2.3.4", {"2001:db8:":
   * null}]}: the last {@code :} is taken for a key indicator. Go's YAML reader, which Kubernetes uses,
   * reads the address. Returns the address back ({@code key + ":"}) when that is what happened, else null.
   */
  private static @Nullable String flowMappingIpv6(JsonNode item) {
    if (!item.isObject() || item.size() != 1) {
      return null;
    }
    Map.Entry<String, JsonNode> e = item.properties().iterator().next();
    if (!e.getValue().isNull() || !e.getKey().endsWith(":")) {
      return null;
    }
    String candidate = e.getKey() + ":";
    return PolicyValues.ipProblem(candidate) == null ? candidate : null;
  }
}
