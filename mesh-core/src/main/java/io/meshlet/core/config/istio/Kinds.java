package io.meshlet.core.config.istio;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Istio API groups and Meshlet's own ({@code *.meshlet.io}), their versions and kinds, and what
 * Meshlet does with each.
 */
final class Kinds {
  static final String VIRTUAL_SERVICE = "VirtualService";
  static final String DESTINATION_RULE = "DestinationRule";
  static final String SERVICE_ENTRY = "ServiceEntry";
  static final String CIRCUIT_BREAKER = "CircuitBreaker";
  static final String RATE_LIMIT = "RateLimit";
  static final String PEER_AUTHENTICATION = "PeerAuthentication";
  static final String AUTHORIZATION_POLICY = "AuthorizationPolicy";
  static final String TELEMETRY = "Telemetry";
  static final String REQUEST_AUTHENTICATION = "RequestAuthentication";
  static final String SIDECAR = "Sidecar";
  static final String WORKLOAD_ENTRY = "WorkloadEntry";
  static final String WORKLOAD_GROUP = "WorkloadGroup";

  private static final String RESILIENCE_GROUP = "resilience.meshlet.io";

  enum Handling {
    APPLIED,
    IGNORED,
    UNKNOWN_KIND,
    UNKNOWN_VERSION,
    /** Neither an Istio group nor a Meshlet one (Kubernetes' own kinds, other operators'). */
    NOT_ISTIO,
    /** An Istio group that holds no mesh config ({@code install.istio.io}: {@code IstioOperator} installs Istio). */
    NOT_MESH_CONFIG
  }

  /** Istio groups whose kinds are not mesh config at all: any version, any kind, a warning. */
  private static final Set<String> NOT_MESH_CONFIG_GROUPS = Set.of("install.istio.io");

  /**
   * Why an ignored kind cannot apply inside an application; a kind not named here is one Meshlet
   * could apply but does not yet.
   */
  private static final Map<String, String> NOT_IN_PROCESS = Map.of(
      "Gateway", "it configures a gateway proxy, an Envoy at the edge of the mesh, and an application is not a gateway",
      "EnvoyFilter", "it patches the configuration of Envoy, and there is no Envoy in-process",
      "ProxyConfig", "it configures the Envoy proxy process, and there is no proxy in-process",
      "WasmPlugin", "it loads a Wasm module into Envoy, and Meshlet runs no Wasm",
      "TrafficExtension", "it adds an extension to Envoy's filter chain, and there is no Envoy in-process");

  private record Group(List<String> versions, Set<String> applied, Set<String> ignored) {}

  private static final Map<String, Group> GROUPS = Map.of(
      "networking.istio.io",
      new Group(
          List.of("v1", "v1beta1", "v1alpha3"),
          Set.of(VIRTUAL_SERVICE, DESTINATION_RULE, SERVICE_ENTRY, SIDECAR, WORKLOAD_ENTRY, WORKLOAD_GROUP),
          Set.of("Gateway", "EnvoyFilter", "ProxyConfig")),
      "security.istio.io",
      new Group(
          List.of("v1", "v1beta1"),
          Set.of(PEER_AUTHENTICATION, AUTHORIZATION_POLICY, REQUEST_AUTHENTICATION),
          Set.of()),
      "telemetry.istio.io",
      new Group(List.of("v1", "v1alpha1"), Set.of(TELEMETRY), Set.of()),
      "extensions.istio.io",
      new Group(List.of("v1alpha1"), Set.of(), Set.of("WasmPlugin", "TrafficExtension")),
      RESILIENCE_GROUP,
      new Group(List.of("v1alpha1"), Set.of(CIRCUIT_BREAKER, RATE_LIMIT), Set.of()));

  private Kinds() {}

  static Handling handling(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    if (!isIstio(group) && !isMeshlet(group)) {
      return Handling.NOT_ISTIO;
    }
    if (NOT_MESH_CONFIG_GROUPS.contains(group)) {
      return Handling.NOT_MESH_CONFIG;
    }
    Group g = GROUPS.get(group);
    if (g == null || !g.versions().contains(version)) {
      return Handling.UNKNOWN_VERSION;
    }
    if (g.applied().contains(kind)) {
      return Handling.APPLIED;
    }
    return g.ignored().contains(kind) ? Handling.IGNORED : Handling.UNKNOWN_KIND;
  }

  /** The warning for an ignored kind: why it cannot apply in-process, or that it is not applied yet. */
  static String ignoredReason(String kind) {
    String why = NOT_IN_PROCESS.get(kind);
    return why == null
        ? "kind " + kind + " is not yet applied by Meshlet; ignored"
        : "kind " + kind + " cannot apply inside an application (" + why + "); ignored";
  }

  private static boolean isIstio(String group) {
    return group.equals("istio.io") || group.endsWith(".istio.io");
  }

  private static boolean isMeshlet(String group) {
    return group.equals("meshlet.io") || group.endsWith(".meshlet.io");
  }

  /** {@code networking.istio.io/v1, v1beta1 or v1alpha3} style list of what a group accepts. */
  static String expectedVersions(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    Group g = slash < 0 ? null : GROUPS.get(apiVersion.substring(0, slash));
    if (g == null) {
      String group = slash < 0 ? "" : apiVersion.substring(0, slash);
      return isMeshlet(group)
          ? RESILIENCE_GROUP + "/v1alpha1"
          : "networking.istio.io/v1, security.istio.io/v1, telemetry.istio.io/v1 or extensions.istio.io/v1alpha1";
    }
    return apiVersion.substring(0, slash) + "/" + String.join(", ", g.versions());
  }

  /** The kinds a group knows, for an unknown-kind message. */
  static String expectedKinds(String apiVersion) {
    Group g = GROUPS.get(apiVersion.substring(0, apiVersion.indexOf('/')));
    List<String> all = new java.util.ArrayList<>(g.applied());
    all.addAll(g.ignored());
    java.util.Collections.sort(all);
    return String.join(", ", all);
  }
}
