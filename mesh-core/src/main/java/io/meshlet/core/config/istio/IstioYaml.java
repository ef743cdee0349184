package io.meshlet.core.config.istio;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.ResourceOrigin;
import java.util.List;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.util.JsonParserDelegate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectReader;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Translates Istio-format YAML ({@code ServiceEntry}, {@code VirtualService}, {@code DestinationRule}
 * of {@code networking.istio.io/v1}, {@code v1beta1} or {@code v1alpha3}) and Meshlet's own kinds
 * ({@code CircuitBreaker}, {@code RateLimit} of {@code resilience.meshlet.io/v1alpha1}) into the mesh model.
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
      return ConfigProblem.errors(problems);
    }

    public List<ConfigProblem> warnings() {
      return ConfigProblem.warnings(problems);
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
    return parse(sourceName, location, yamlText, defaultNamespace, FieldLog.NONE);
  }

  /** {@link #parse(String, String, String, String)}, telling {@code fieldLog} what became of each field. */
  static ParseResult parse(String sourceName, String location, String yamlText, String defaultNamespace, FieldLog fieldLog) {
    requireNonNull(sourceName, "sourceName");
    requireNonNull(location, "location");
    requireNonNull(yamlText, "yamlText");
    requireNonNull(defaultNamespace, "defaultNamespace");
    Problems problems = new Problems(location, fieldLog);
    DocumentCollector collector = new DocumentCollector(problems, new ResourceOrigin(sourceName, location), defaultNamespace);
    int index = 0;
    try (MappingIterator<JsonNode> it = READER.readValues(new NoAliases(READER.createParser(yamlText)))) {
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        index++;
        collector.document(doc, index);
      }
    } catch (JacksonException e) {
      problems.endResource();
      problems.error("", syntaxError(e));
    } catch (Throwable e) {
      // The one guard of this source, Errors included: whatever the reader or a parser throws becomes a
      // problem, named by the resource being read when there is one, and the caller rejects the text.
      problems.error("", "cannot be read (document " + (index + 1) + "): " + e);
      problems.abandonResource();
    }
    return new ParseResult(collector.config(), problems.all());
  }

  /**
   * Refuses YAML aliases ({@code *name}): Jackson would read one as the anchor's name, not its value.
   * Kubernetes resources never use them, so a clear error is better than a silent wrong value.
   */
  private static final class NoAliases extends JsonParserDelegate {
    NoAliases(JsonParser delegate) {
      super(delegate);
    }

    @Override
    public JsonToken nextToken() {
      JsonToken t = super.nextToken();
      if (delegate() instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
        throw new StreamReadException(this, "alias *" + yaml.getText()
            + " is not supported (expected: the value written out; Kubernetes resources use no YAML anchors or aliases)");
      }
      return t;
    }
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
}
