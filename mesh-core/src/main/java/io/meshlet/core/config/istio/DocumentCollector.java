package io.meshlet.core.config.istio;

import io.meshlet.core.model.CircuitBreakerPolicy;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Turns documents into resources, keeping those without errors and rejecting duplicates. */
final class DocumentCollector {
  private static final String[] IGNORED_METADATA = {
    "labels", "annotations", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
    "ownerReferences", "finalizers", "selfLink"
  };

  private final Problems problems;
  private final ResourceOrigin origin;
  private final String defaultNamespace;
  private final List<MeshResource> resources = new ArrayList<>();
  /** The breakers kept so far, which a later one must not overlap. */
  private final List<CircuitBreakerPolicy> circuitBreakers = new ArrayList<>();
  private final Set<ResourceId> seen = new HashSet<>();

  DocumentCollector(Problems problems, ResourceOrigin origin, String defaultNamespace) {
    this.problems = problems;
    this.origin = origin;
    this.defaultNamespace = defaultNamespace;
  }

  MeshConfig config() {
    return MeshConfig.of(resources);
  }

  void document(@Nullable JsonNode doc, int index) {
    if (doc == null || doc.isNull() || doc.isMissingNode()) {
      return;
    }
    if (!doc.isObject()) {
      problems.error("", "document " + index + ": " + Values.render(doc) + " (expected: a mapping with apiVersion and kind)");
      return;
    }
    String apiVersion = text(doc.get("apiVersion"));
    String kind = text(doc.get("kind"));
    if (apiVersion == null || kind == null) {
      problems.error("", "document " + index + ": " + (apiVersion == null ? "apiVersion" : "kind") + " missing (required)");
      return;
    }
    JsonNode metadata = doc.get("metadata");
    String name = metadata == null ? null : text(metadata.get("name"));
    String namespace = metadata == null ? null : text(metadata.get("namespace"));
    problems.startResource(kind, name, namespace == null || namespace.isEmpty() ? defaultNamespace : namespace);
    MeshResource resource = null;
    switch (Kinds.handling(apiVersion, kind)) {
      case NOT_ISTIO:
        problems.warning("", "kind " + kind + " (apiVersion " + apiVersion + ") is not an Istio kind; ignored");
        break;
      case NOT_MESH_CONFIG:
        problems.warning("", "kind " + kind + " (apiVersion " + apiVersion
            + ") is not a mesh config kind (it describes an Istio installation); ignored");
        break;
      case UNKNOWN_VERSION:
        problems.error("apiVersion", "'" + apiVersion + "' (expected: " + Kinds.expectedVersions(apiVersion) + ")");
        break;
      case UNKNOWN_KIND:
        problems.error("kind", "'" + kind + "' (expected: one of " + Kinds.expectedKinds(apiVersion) + ")");
        break;
      case IGNORED:
        problems.warning("", Kinds.ignoredReason(kind));
        break;
      default:
        resource = resource(doc, kind);
        break;
    }
    boolean ok = problems.endResource();
    if (ok && resource != null) {
      add(resource);
    }
  }

  private @Nullable MeshResource resource(JsonNode doc, String kind) {
    YamlObject top = YamlObject.of(problems, "", doc);
    if (top == null) {
      return null;
    }
    top.ignore("apiVersion", "kind", "status");
    YamlObject metadata = top.object("metadata");
    String name = null;
    String namespace = defaultNamespace;
    String nonIdempotent = null;
    boolean dryRun = false;
    if (metadata == null) {
      if (!top.has("metadata")) {
        problems.error("metadata", "missing (required)");
      }
    } else {
      if (kind.equals(Kinds.VIRTUAL_SERVICE)) {
        nonIdempotent = NonIdempotentRetries.read(metadata);
      } else if (kind.equals(Kinds.AUTHORIZATION_POLICY)) {
        dryRun = DryRunAnnotation.read(metadata);
      }
      metadata.ignore(IGNORED_METADATA);
      name = metadata.requiredString("name");
      String ns = metadata.string("namespace");
      if (ns != null && !ns.isEmpty()) {
        namespace = ns;
      }
    }
    JsonNode specNode = top.node("spec");
    if (specNode == null && (isSecurity(kind) || kind.equals(Kinds.TELEMETRY))) {
      // Kubernetes allows a security policy without spec: an AuthorizationPolicy then allows nothing
      // (a Telemetry without spec changes nothing).
      specNode = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }
    problems.specStarts(); // the field log sees the spec's fields only, not the resource frame's
    YamlObject spec = YamlObject.of(problems, "", specNode);
    if (spec == null) {
      if (!top.has("spec")) {
        problems.error("spec", "missing (required)");
      }
      return null;
    }
    ResourceId id = new ResourceId(kind, namespace, name == null ? "<unnamed>" : name);
    MeshResource resource;
    switch (kind) {
      case Kinds.VIRTUAL_SERVICE:
        resource = VirtualServiceParser.parse(spec, id, origin, nonIdempotent);
        break;
      case Kinds.DESTINATION_RULE:
        resource = DestinationRuleParser.parse(spec, id, origin);
        break;
      case Kinds.CIRCUIT_BREAKER:
        resource = CircuitBreakerParser.parse(spec, id, origin);
        break;
      case Kinds.RATE_LIMIT:
        resource = RateLimitParser.parse(spec, id, origin);
        break;
      case Kinds.PEER_AUTHENTICATION:
        resource = PeerAuthenticationParser.parse(spec, id, origin);
        break;
      case Kinds.AUTHORIZATION_POLICY:
        resource = AuthorizationPolicyParser.parse(spec, id, origin, dryRun);
        break;
      case Kinds.REQUEST_AUTHENTICATION:
        resource = RequestAuthenticationParser.parse(spec, id, origin);
        break;
      case Kinds.TELEMETRY:
        resource = TelemetryParser.parse(spec, id, origin);
        break;
      case Kinds.SIDECAR:
        resource = SidecarParser.parse(spec, id, origin);
        break;
      case Kinds.WORKLOAD_ENTRY:
        resource = WorkloadEntryParser.parse(spec, id, origin);
        break;
      case Kinds.WORKLOAD_GROUP:
        resource = WorkloadGroupParser.parse(spec, id, origin);
        break;
      default:
        resource = ServiceEntryParser.parse(spec, id, origin);
        break;
    }
    if (name != null && !seen.add(id)) {
      problems.error("", "duplicate: " + id + " is defined more than once");
    } else if (resource instanceof CircuitBreakerPolicy cb) {
      for (CircuitBreakerPolicy earlier : circuitBreakers) {
        String conflict = CircuitBreakerParser.conflict(cb, earlier, "");
        if (conflict != null) {
          problems.error(spec.path("host"), conflict);
          break;
        }
      }
    }
    return resource;
  }

  private static boolean isSecurity(String kind) {
    return kind.equals(Kinds.PEER_AUTHENTICATION) || kind.equals(Kinds.AUTHORIZATION_POLICY)
        || kind.equals(Kinds.REQUEST_AUTHENTICATION);
  }

  private void add(MeshResource resource) {
    resources.add(resource);
    if (resource instanceof CircuitBreakerPolicy cb) {
      circuitBreakers.add(cb);
    }
  }

  private static @Nullable String text(@Nullable JsonNode n) {
    return n != null && n.isString() ? n.stringValue() : null;
  }
}
