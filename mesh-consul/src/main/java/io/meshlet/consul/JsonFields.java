package io.meshlet.consul;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One JSON object of a config entry, read field by field with its path ({@code Splits[1].Weight}):
 * wrong types are errors of that path, and {@link #finish()} reports every field nobody read as
 * unknown (an error, as Consul itself refuses unknown fields).
 */
final class JsonFields {
  private final JsonNode node;
  private final String path;
  private final EntryProblems problems;
  private final Set<String> known = new HashSet<>();

  JsonFields(JsonNode node, String path, EntryProblems problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  EntryProblems problems() {
    return problems;
  }

  /** The path of this object itself. */
  String here() {
    return path;
  }

  String path(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  private @Nullable JsonNode value(String field) {
    known.add(field);
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  @Nullable String string(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isString()) {
      problems.error(path(field), v + " (expected: a string)");
      return null;
    }
    String s = v.stringValue();
    return s.isEmpty() ? null : s;
  }

  @Nullable Double number(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      problems.error(path(field), v + " (expected: a number)");
      return null;
    }
    return v.doubleValue();
  }

  @Nullable Integer integer(String field, int min, int max) {
    Double d = number(field);
    if (d == null) {
      return null;
    }
    if (d != Math.rint(d) || d < min || d > max) {
      problems.error(path(field), d + " (expected: a whole number " + min + ".." + max + ")");
      return null;
    }
    return d.intValue();
  }

  boolean bool(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return false;
    }
    if (!v.isBoolean()) {
      problems.error(path(field), v + " (expected: true or false)");
      return false;
    }
    return v.booleanValue();
  }

  @Nullable JsonFields object(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isObject()) {
      problems.error(path(field), v + " (expected: an object)");
      return null;
    }
    return new JsonFields(v, path(field), problems);
  }

  List<JsonFields> objects(String field) {
    return list(field, "a list", (e, path) -> e.isObject() ? new JsonFields(e, path, problems) : null, "an object");
  }

  List<String> strings(String field) {
    return list(field, "a list of strings", (e, path) -> e.isString() ? e.stringValue() : null, "a string");
  }

  List<Integer> integers(String field, int min, int max) {
    return list(field, "a list of numbers",
        (e, path) -> e.isIntegralNumber() && e.asLong() >= min && e.asLong() <= max ? (int) e.asLong() : null,
        "a whole number " + min + ".." + max);
  }

  /** The items of a list field that {@code item} accepts; each other item is an error of its path. */
  private <T> List<T> list(String field, String expectedList, BiFunction<JsonNode, String, @Nullable T> item,
      String expectedItem) {
    List<T> out = new ArrayList<>();
    JsonNode v = value(field);
    if (v == null) {
      return out;
    }
    if (!v.isArray()) {
      problems.error(path(field), v + " (expected: " + expectedList + ")");
      return out;
    }
    for (int i = 0; i < v.size(); i++) {
      String itemPath = path(field) + "[" + i + "]";
      T t = item.apply(v.get(i), itemPath);
      if (t == null) {
        problems.error(itemPath, v.get(i) + " (expected: " + expectedItem + ")");
      } else {
        out.add(t);
      }
    }
    return out;
  }

  /** An object of objects ({@code Subsets: {v1: {...}}}), by key. */
  Map<String, JsonFields> objectMap(String field) {
    Map<String, JsonFields> out = new LinkedHashMap<>();
    JsonFields o = object(field);
    if (o == null) {
      return out;
    }
    for (Map.Entry<String, JsonNode> e : o.node.properties()) {
      o.known.add(e.getKey());
      if (!e.getValue().isObject()) {
        problems.error(o.path(e.getKey()), e.getValue() + " (expected: an object)");
      } else {
        out.put(e.getKey(), new JsonFields(e.getValue(), o.path(e.getKey()), problems));
      }
    }
    return out;
  }

  /** An object of strings ({@code Set: {x-a: "1"}}). */
  Map<String, String> stringMap(String field) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonFields o = object(field);
    if (o == null) {
      return out;
    }
    for (Map.Entry<String, JsonNode> e : o.node.properties()) {
      o.known.add(e.getKey());
      if (e.getValue().isString()) {
        out.put(e.getKey(), e.getValue().stringValue());
      } else {
        problems.error(o.path(e.getKey()), e.getValue() + " (expected: a string)");
      }
    }
    return out;
  }

  /** Fields that carry no routing meaning here (metadata); read so they are not unknown. */
  void ignore(String... fields) {
    known.addAll(List.of(fields));
  }

  /** Fields Meshlet reads but does not apply yet: a warning each, when given. */
  void notYetApplied(String... fields) {
    for (String f : fields) {
      if (value(f) != null) {
        problems.notYetApplied(path(f));
      }
    }
  }

  /** Reports every field not read as unknown. */
  void finish() {
    for (String f : node.propertyNames()) {
      if (!known.contains(f)) {
        problems.error(path(f), "unknown field");
      }
    }
  }
}
