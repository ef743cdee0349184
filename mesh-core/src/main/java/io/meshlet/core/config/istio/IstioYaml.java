package io.meshlet.core.config.istio;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.model.VirtualService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectReader;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Translates Istio-format YAML ({@code ServiceEntry}, {@code VirtualService}, {@code DestinationRule}
 * of {@code networking.istio.io/v1}, {@code v1beta1} or {@code v1alpha3}) into the mesh model.
 *
 * <p>All problems of the whole text are collected, each with the path of its field:
 * {@code VirtualService reviews (mesh.yaml): http[1].route[0].weight: -5 (expected: 0..100)}. A
 * resource with an error is left out of the result; the caller decides whether the update as a whole
 * is rejected (it should be, when {@link ParseResult#hasErrors()}). Pure and thread-safe.
 */
public final class IstioYaml {
  private static final ObjectReader READER = YAMLMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build()
      .readerFor(JsonNode.class);

  private static final String[] IGNORED_METADATA = {
    "labels", "annotations", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
    "ownerReferences", "finalizers", "selfLink"
  };

  private IstioYaml() {}

  /**
   * What one text translated into.
   *
   * @param config the resources that had no error
   * @param problems every error and warning, in the order found
   */
  public record ParseResult(MeshConfig config, List<ConfigProblem> problems) {
    public ParseResult {
      requireNonNull(config, "config");
      problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
      return problems.stream().anyMatch(ConfigProblem::isError);
    }

    public List<ConfigProblem> errors() {
      return problems.stream().filter(ConfigProblem::isError).toList();
    }

    public List<ConfigProblem> warnings() {
      return problems.stream().filter(p -> !p.isError()).toList();
    }
  }

  /**
   * Parses {@code yamlText}, one or more YAML documents separated by {@code ---}.
   *
   * @param sourceName the config source's name, recorded in each resource's origin
   * @param location the file name (or other place) used in messages and origins
   * @param defaultNamespace the namespace of resources that do not name one
   */
  public static ParseResult parse(String sourceName, String location, String yamlText, String defaultNamespace) {
    requireNonNull(sourceName, "sourceName");
    requireNonNull(location, "location");
    requireNonNull(yamlText, "yamlText");
    requireNonNull(defaultNamespace, "defaultNamespace");
    Problems problems = new Problems(location);
    Collector collector = new Collector(problems, new ResourceOrigin(sourceName, location), defaultNamespace);
    int index = 0;
    try (MappingIterator<JsonNode> it = READER.readValues(yamlText)) {
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        index++;
        collector.document(doc, index);
      }
    } catch (JacksonException e) {
      problems.endResource();
      problems.error("", syntaxError(e));
    }
    return new ParseResult(collector.config(), problems.all());
  }

  private static String syntaxError(JacksonException e) {
    String message = e.getOriginalMessage();
    // SnakeYAML's messages interleave "in reader, line n" and a source excerpt (indented) with the text.
    String text = message == null
        ? e.getClass().getSimpleName()
        : message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
            .map(String::strip).collect(Collectors.joining("; "));
    TokenStreamLocation where = e.getLocation();
    int line = where == null ? -1 : where.getLineNr();
    return "YAML syntax error" + (line > 0 ? " at line " + line : "") + ": " + text;
  }

  /** Turns documents into resources, keeping those without errors and rejecting duplicates. */
  private static final class Collector {
    private final Problems problems;
    private final ResourceOrigin origin;
    private final String defaultNamespace;
    private final List<ServiceEntry> serviceEntries = new ArrayList<>();
    private final List<VirtualService> virtualServices = new ArrayList<>();
    private final List<DestinationRule> destinationRules = new ArrayList<>();
    private final Set<ResourceId> seen = new HashSet<>();

    Collector(Problems problems, ResourceOrigin origin, String defaultNamespace) {
      this.problems = problems;
      this.origin = origin;
      this.defaultNamespace = defaultNamespace;
    }

    MeshConfig config() {
      return new MeshConfig(serviceEntries, virtualServices, destinationRules);
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
      problems.startResource(kind, name);
      MeshResource resource = null;
      switch (Kinds.handling(apiVersion, kind)) {
        case NOT_ISTIO:
          problems.warning("", "kind " + kind + " (apiVersion " + apiVersion + ") is not an Istio kind; ignored");
          break;
        case UNKNOWN_VERSION:
          problems.error("apiVersion", "'" + apiVersion + "' (expected: " + Kinds.expectedVersions(apiVersion) + ")");
          break;
        case UNKNOWN_KIND:
          problems.error("kind", "'" + kind + "' (expected: one of " + Kinds.expectedKinds(apiVersion) + ")");
          break;
        case IGNORED:
          problems.warning("", "kind " + kind + " is not yet applied by Meshlet; ignored");
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
      if (metadata == null) {
        if (!top.has("metadata")) {
          problems.error("metadata", "missing (required)");
        }
      } else {
        metadata.ignore(IGNORED_METADATA);
        name = metadata.requiredString("name");
        String ns = metadata.string("namespace");
        if (ns != null && !ns.isEmpty()) {
          namespace = ns;
        }
      }
      YamlObject spec = YamlObject.of(problems, "", top.node("spec"));
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
          resource = VirtualServiceParser.parse(spec, id, origin);
          break;
        case Kinds.DESTINATION_RULE:
          resource = DestinationRuleParser.parse(spec, id, origin);
          break;
        default:
          resource = ServiceEntryParser.parse(spec, id, origin);
          break;
      }
      if (name != null && !seen.add(id)) {
        problems.error("", "duplicate: " + id + " is defined more than once");
      }
      return resource;
    }

    private void add(MeshResource resource) {
      if (resource instanceof VirtualService vs) {
        virtualServices.add(vs);
      } else if (resource instanceof DestinationRule dr) {
        destinationRules.add(dr);
      } else if (resource instanceof ServiceEntry se) {
        serviceEntries.add(se);
      }
    }

    private static @Nullable String text(@Nullable JsonNode n) {
      return n != null && n.isString() ? n.stringValue() : null;
    }
  }
}
