package io.meshlet.core.config.istio;

import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.PeerAuthentication;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.security.PolicyValues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * {@code PeerAuthentication.spec} of {@code security.istio.io/v1} (or {@code v1beta1}): selector,
 * {@code mtls.mode}, {@code portLevelMtls}. As Istio does, port-level modes need a selector.
 */
final class PeerAuthenticationParser {
  private static final List<String> MODES = List.of("UNSET", "DISABLE", "PERMISSIVE", "STRICT");

  private PeerAuthenticationParser() {}

  static PeerAuthentication parse(YamlObject spec, ResourceId id, ResourceOrigin origin) {
    Problems problems = spec.problems();
    Map<String, String> selector = selector(spec);
    MtlsMode mode = mode(spec.object("mtls"));
    Map<Integer, MtlsMode> ports = new LinkedHashMap<>();
    JsonNode portLevel = spec.node("portLevelMtls");
    if (portLevel != null) {
      String path = spec.path("portLevelMtls");
      if (!portLevel.isObject()) {
        problems.error(path, Values.render(portLevel) + " (expected: a mapping of port numbers to {mode: ...})");
      } else {
        if (selector.isEmpty()) {
          problems.error(path, "given without a selector (expected: portLevelMtls only on a policy with "
              + "selector.matchLabels, as Istio requires)");
        }
        for (Map.Entry<String, JsonNode> e : portLevel.properties()) {
          String entryPath = path + "." + e.getKey();
          int port = PolicyValues.port(e.getKey().trim());
          if (port < 0) {
            problems.error(entryPath, "'" + e.getKey() + "' (expected: a port number 1..65535)");
          }
          YamlObject entry = YamlObject.of(problems, entryPath, e.getValue());
          if (entry == null && (e.getValue() == null || e.getValue().isNull())) {
            problems.error(entryPath, "null (expected: a mapping with mode)");
          }
          MtlsMode portMode = mode(entry);
          if (port > 0 && ports.put(port, portMode) != null) {
            problems.error(entryPath, "port " + port + " is given more than once");
          }
        }
      }
    }
    return new PeerAuthentication(id, origin, selector, mode, ports, problems.notYetAppliedPaths());
  }

  /** {@code selector.matchLabels}; empty when absent. */
  static Map<String, String> selector(YamlObject spec) {
    YamlObject selector = spec.object("selector");
    return selector == null ? Map.of() : selector.stringMap("matchLabels");
  }

  private static MtlsMode mode(@Nullable YamlObject mtls) {
    String mode = mtls == null ? null : mtls.enumValue("mode", MODES);
    return mode == null ? MtlsMode.UNSET : MtlsMode.valueOf(mode);
  }
}
