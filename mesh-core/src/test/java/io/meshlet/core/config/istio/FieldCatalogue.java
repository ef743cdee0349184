package io.meshlet.core.config.istio;

import io.meshlet.core.config.ConfigProblem;
import java.io.InputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The status of every field of one kind, as the parser gives it: the kind's "every field" documents
 * ({@code src/test/resources/istio-api-fields/every-field/<Kind>.yaml}) are parsed with a
 * {@link FieldLog} that records which fields were read and which were reported as not applied, and
 * each path of the kind's {@link ApiFieldList} gets the status of the nearest field (itself or an
 * enclosing one) the parser gave a status to, else {@code applied}.
 */
final class FieldCatalogue {
  /** One row: a field path, its status, why (the parser's warning or the enclosing field it follows), and the API's marks. */
  record Row(String path, String status, List<String> notes) {}

  static final String REFUSED = "refused (unknown field)";

  final String kind;
  final ApiFieldList fields;
  /** Problems of the documents that are errors: the parser refused a field (an unknown field is one). */
  final List<String> errors = new ArrayList<>();
  /** Fields of the list that no document writes: their status cannot be known. */
  final List<String> unwritten = new ArrayList<>();
  /** Fields the documents write that the list does not have. */
  final List<String> notInList = new ArrayList<>();
  /** Statuses the parser reported at paths that are not fields of the list. */
  final List<String> strayStatuses = new ArrayList<>();
  /** Fields accepted without an error, without a status, and never read: dropped silently. */
  final List<String> neverRead = new ArrayList<>();
  final List<Row> rows = new ArrayList<>();
  /** Fields the parser refuses as unknown in {@code <Kind>.refused.yaml}: known gaps, listed as such. */
  final Set<String> refused = new LinkedHashSet<>();
  /** Fields of {@code <Kind>.refused.yaml} that the parser accepts after all. */
  final List<String> acceptedAfterAll = new ArrayList<>();

  private final Map<String, FieldLog.Status> statuses = new LinkedHashMap<>();
  private final Map<String, Set<String>> reasons = new LinkedHashMap<>();
  private final Set<String> read = new LinkedHashSet<>();
  private final Set<String> appliedSomewhere = new LinkedHashSet<>();

  private FieldCatalogue(String kind, ApiFieldList fields) {
    this.kind = kind;
    this.fields = fields;
  }

  static FieldCatalogue of(String kind) {
    FieldCatalogue c = new FieldCatalogue(kind, ApiFieldList.load(kind));
    String text = resource("/istio-api-fields/every-field/" + kind + ".yaml");
    String refusedText = optionalResource("/istio-api-fields/every-field/" + kind + ".refused.yaml");
    Set<String> written = c.written(text);
    Set<String> writtenRefused = refusedText == null ? Set.of() : c.written(refusedText);
    for (String path : c.fields.paths()) {
      if (!written.contains(path) && !writtenRefused.contains(path)) {
        c.unwritten.add(path);
      }
    }
    c.parse(text);
    if (refusedText != null) {
      c.parseRefused(refusedText, written, writtenRefused);
    }
    c.build();
    return c;
  }

  /** The fields of the list the documents of {@code text} set; fields not in the list go to {@link #notInList}. */
  private Set<String> written(String text) {
    Set<String> written = new LinkedHashSet<>();
    try (MappingIterator<JsonNode> docs = YAMLMapper.builder().build().readerFor(JsonNode.class).readValues(text)) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        if (!kind.equals(doc.path("kind").asString())) {
          throw new IllegalStateException(kind + " documents hold a " + doc.path("kind").asString());
        }
        written.addAll(fields.writtenPaths(doc.path("spec"), notInList));
      }
    }
    return written;
  }

  /**
   * Parses each document on its own: a field read in a document where neither it nor an enclosing
   * field got a status is applied there ({@link #appliedSomewhere}), whatever other documents say.
   */
  private void parse(String text) {
    int n = 0;
    for (String doc : text.split("(?m)^---\\s*$")) {
      n++;
      Set<String> docRead = new LinkedHashSet<>();
      Set<String> docStatus = new LinkedHashSet<>();
      FieldLog log = new FieldLog() {
        @Override
        public void read(String path) {
          String p = fields.normalize(path);
          if (p != null) {
            read.add(p);
            docRead.add(p);
          }
        }

        @Override
        public void status(String path, Status status, String reason) {
          String p = fields.normalize(path);
          if (p == null) {
            strayStatuses.add(path + ": " + status + " " + reason);
            return;
          }
          docStatus.add(p);
          FieldLog.Status before = statuses.get(p);
          if (before == null || status.compareTo(before) > 0) {
            statuses.put(p, status);
          }
          reasons.computeIfAbsent(p, k -> new LinkedHashSet<>()).add(reason);
        }
      };
      IstioYaml.ParseResult result = IstioYaml.parse("catalogue", kind + ".yaml#" + n, doc, "default", log);
      for (ConfigProblem p : result.errors()) {
        errors.add(p.toString());
      }
      for (String p : docRead) {
        String from = p;
        while (from != null && !docStatus.contains(from)) {
          from = ApiFieldList.parent(from);
        }
        if (from == null) {
          appliedSomewhere.add(p);
        }
      }
    }
  }

  private void parseRefused(String text, Set<String> written, Set<String> writtenRefused) {
    IstioYaml.ParseResult result = IstioYaml.parse("catalogue", kind + ".refused.yaml", text, "default");
    for (ConfigProblem p : result.errors()) {
      String path = fields.normalize(p.path());
      if (p.message().startsWith("unknown field") && path != null) {
        refused.add(path);
      } else if (!p.message().startsWith("empty")) {
        errors.add(p.toString());
      }
    }
    for (String path : writtenRefused) {
      if (!written.contains(path) && !refused.contains(path) && leaf(path)) {
        acceptedAfterAll.add(path);
      }
    }
  }

  /** True if no field of the list lies below {@code path}. */
  private boolean leaf(String path) {
    return fields.paths().stream().noneMatch(p -> p.startsWith(path + "."));
  }

  private void build() {
    for (String path : fields.paths()) {
      // The nearest field (itself or enclosing) with a status that no document applies.
      String from = path;
      while (from != null && !(statuses.containsKey(from) && !appliedSomewhere.contains(from))) {
        from = ApiFieldList.parent(from);
      }
      List<String> notes = new ArrayList<>();
      if (from == null && statuses.containsKey(path)) {
        notes.add("not applied for some values: " + String.join("; ", reasons.get(path)));
      }
      String refusedFrom = path;
      while (refusedFrom != null && !refused.contains(refusedFrom)) {
        refusedFrom = ApiFieldList.parent(refusedFrom);
      }
      if (refusedFrom != null) {
        rows.add(new Row(path, REFUSED, refusedFrom.equals(path) ? List.of() : List.of("as `" + refusedFrom + "`")));
        continue;
      }
      FieldLog.Status status = FieldLog.Status.APPLIED;
      if (from != null) {
        status = statuses.get(from);
        if (from.equals(path)) {
          notes.addAll(reasons.get(from));
        } else if (from.equals("spec")) {
          notes.add("the whole resource: " + String.join("; ", reasons.get(from)));
        } else {
          notes.add("as `" + from + "`");
        }
      }
      if (from == null && !read.contains(path)) {
        String reader = ApiFieldList.parent(path);
        while (reader != null && !read.contains(reader)) {
          reader = ApiFieldList.parent(reader);
        }
        if (reader == null) {
          neverRead.add(path);
        } else {
          notes.add("read as part of `" + reader + "`");
        }
      }
      for (String mark : fields.marks(path)) {
        notes.add(mark.equals("hidden") ? "not in Istio's reference (hidden)" : mark + " in istio/api");
      }
      rows.add(new Row(path, FieldCatalogueMarkdown.status(status), notes));
    }
  }

  static @org.jspecify.annotations.Nullable String optionalResource(String name) {
    return FieldCatalogue.class.getResource(name) == null ? null : resource(name);
  }

  static String resource(String name) {
    try (InputStream in = FieldCatalogue.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
