package io.meshlet.core.config.istio;

import io.meshlet.core.config.ConfigProblem;
import java.io.IOException;
import java.io.InputStream;
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
  record Row(String path, FieldLog.Status status, List<String> notes) {}

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

  private final Map<String, FieldLog.Status> statuses = new LinkedHashMap<>();
  private final Map<String, Set<String>> reasons = new LinkedHashMap<>();
  private final Set<String> read = new LinkedHashSet<>();

  private FieldCatalogue(String kind, ApiFieldList fields) {
    this.kind = kind;
    this.fields = fields;
  }

  static FieldCatalogue of(String kind) {
    FieldCatalogue c = new FieldCatalogue(kind, ApiFieldList.load(kind));
    String text = resource("/istio-api-fields/every-field/" + kind + ".yaml");
    c.checkWritten(text);
    c.parse(text);
    c.build();
    return c;
  }

  private void checkWritten(String text) {
    Set<String> written = new LinkedHashSet<>();
    try (MappingIterator<JsonNode> docs = YAMLMapper.builder().build().readerFor(JsonNode.class).readValues(text)) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        if (!kind.equals(doc.path("kind").asString())) {
          throw new IllegalStateException(kind + ".yaml holds a " + doc.path("kind").asString());
        }
        written.addAll(fields.writtenPaths(doc.path("spec"), notInList));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String path : fields.paths()) {
      if (!written.contains(path)) {
        unwritten.add(path);
      }
    }
  }

  private void parse(String text) {
    FieldLog log = new FieldLog() {
      @Override
      public void read(String path) {
        String p = fields.normalize(path);
        if (p != null) {
          read.add(p);
        }
      }

      @Override
      public void status(String path, Status status, String reason) {
        String p = fields.normalize(path);
        if (p == null) {
          strayStatuses.add(path + ": " + status + " " + reason);
          return;
        }
        FieldLog.Status before = statuses.get(p);
        if (before == null || status.compareTo(before) > 0) {
          statuses.put(p, status);
        }
        reasons.computeIfAbsent(p, k -> new LinkedHashSet<>()).add(reason);
      }
    };
    IstioYaml.ParseResult result = IstioYaml.parse("catalogue", kind + ".yaml", text, "default", log);
    for (ConfigProblem p : result.errors()) {
      errors.add(p.toString());
    }
  }

  private void build() {
    for (String path : fields.paths()) {
      String from = path;
      while (from != null && !statuses.containsKey(from)) {
        from = ApiFieldList.parent(from);
      }
      List<String> notes = new ArrayList<>();
      FieldLog.Status status = FieldLog.Status.APPLIED;
      if (from != null) {
        status = statuses.get(from);
        if (from.equals(path)) {
          notes.addAll(reasons.get(from));
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
      rows.add(new Row(path, status, notes));
    }
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
