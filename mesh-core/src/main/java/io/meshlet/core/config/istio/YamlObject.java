package io.meshlet.core.config.istio;

import io.meshlet.core.config.ConfigLimits;
import io.meshlet.core.config.GoDurations;
import io.meshlet.core.config.HeaderNames;
import io.meshlet.core.config.HostNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads the fields of one YAML mapping with their paths, reporting every type or range error. Field
 * names are matched in camelCase and snake_case alike (as protobuf JSON does); paths use the
 * spelling the user wrote. Fields that were never read are reported as unknown when the resource ends.
 */
final class YamlObject {
  private final Problems problems;
  private final String path;
  /** Canonical (camelCase) name → the field as written. */
  private final Map<String, Field> fields = new LinkedHashMap<>();
  /** Every field name the parser looked for: what this mapping may hold, for "did you mean". */
  private final Set<String> known = new LinkedHashSet<>();

  private static final class Field {
    final String written;
    final JsonNode value;
    boolean read;

    Field(String written, JsonNode value) {
      this.written = written;
      this.value = value;
    }
  }

  private YamlObject(Problems problems, String path, JsonNode node) {
    this.problems = problems;
    this.path = path;
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String canonical = camelCase(e.getKey());
      Field previous = fields.get(canonical);
      if (previous != null) {
        problems.error(join(path, e.getKey()), "given twice (also as " + previous.written + ")");
        continue;
      }
      fields.put(canonical, new Field(e.getKey(), e.getValue()));
    }
    problems.track(this);
  }

  /** The mapping at {@code path}, or null (with an error) if {@code node} is not a mapping, or null if absent. */
  static @Nullable YamlObject of(Problems problems, String path, @Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (!node.isObject()) {
      problems.error(path, Values.render(node) + " (expected: a mapping)");
      return null;
    }
    return new YamlObject(problems, path, node);
  }

  Problems problems() {
    return problems;
  }

  String path() {
    return path;
  }

  /** The path of {@code field} inside this mapping, as written if present. */
  String path(String field) {
    Field f = fields.get(field);
    return join(path, f != null ? f.written : field);
  }

  static String join(String parent, String field) {
    return parent.isEmpty() ? field : parent + "." + field;
  }

  boolean has(String field) {
    Field f = fields.get(field);
    return f != null && !f.value.isNull();
  }

  /** The raw value of {@code field} (null if absent or null), marking it read. */
  @Nullable JsonNode node(String field) {
    known.add(field);
    Field f = fields.get(field);
    if (f == null) {
      return null;
    }
    if (!f.read) {
      f.read = true;
      problems.fieldLog().read(join(path, f.written));
    }
    return f.value.isNull() ? null : f.value;
  }

  /** Marks every field of this mapping as read: a map whose keys are the user's names, not fields. */
  void ignoreAll() {
    for (Field f : fields.values()) {
      f.read = true;
      problems.fieldLog().read(join(path, f.written));
    }
  }

  /** Marks fields as read and accepted without looking at them. */
  void ignore(String... names) {
    for (String n : names) {
      node(n);
    }
  }

  @Nullable String string(String field) {
    JsonNode n = node(field);
    if (n == null) {
      return null;
    }
    if (!n.isString()) {
      problems.error(path(field), Values.render(n) + " (expected: a string)");
      return null;
    }
    // Interned, as labels are (stringMap): a host or name is written in several resources (ServiceEntry,
    // DestinationRule, VirtualService, each destination), and the model keeps one copy.
    return n.stringValue().intern();
  }

  /** A string that must be present and non-empty. */
  @Nullable String requiredString(String field) {
    String s = string(field);
    if (s == null && !has(field)) {
      problems.error(path(field), "missing (required)");
    } else if (s != null && s.isEmpty()) {
      problems.error(path(field), "'' (expected: a non-empty string)");
      return null;
    }
    return s;
  }

  /**
   * A host name ({@link HostNames#problem}: DNS-1123 labels, one leading wildcard) qualified in
   * {@code namespace}; null if absent or wrong (with an error).
   */
  @Nullable String qualifiedHost(String field, String namespace, boolean required) {
    String s = checked(field, required ? requiredString(field) : string(field), HostNames::problem);
    return s == null ? null : HostNames.qualify(s, namespace);
  }

  /** A list of host names, each checked as {@link #qualifiedHost} does and qualified; wrong entries are reported and left out. */
  List<String> qualifiedHosts(String field, String namespace) {
    List<String> out = new ArrayList<>();
    for (String h : strings(field, HostNames::problem)) {
      out.add(HostNames.qualify(h, namespace));
    }
    return out;
  }

  /** A header name ({@link HeaderNames#problem}); null if absent or wrong (with an error). */
  @Nullable String headerName(String field) {
    return checked(field, string(field), HeaderNames::problem);
  }

  /** {@code value} if {@code check} (why it is wrong, or null) finds nothing; else null, with the error at {@code field}. */
  private <T> @Nullable T checked(String field, @Nullable T value, java.util.function.Function<T, @Nullable String> check) {
    String problem = value == null ? null : check.apply(value);
    if (problem != null) {
      problems.error(path(field), problem);
      return null;
    }
    return value;
  }

  @Nullable Boolean bool(String field) {
    JsonNode n = node(field);
    if (n == null) {
      return null;
    }
    if (!n.isBoolean()) {
      problems.error(path(field), Values.render(n) + " (expected: true or false)");
      return null;
    }
    return n.booleanValue();
  }

  /** An integer in {@code min..max}; protobuf JSON's quoted integers are accepted. */
  @Nullable Long integer(String field, long min, long max) {
    JsonNode n = node(field);
    return n == null ? null : Values.integer(problems, path(field), n, min, max);
  }

  @Nullable Integer port(String field) {
    Long v = integer(field, 1, 65535);
    return v == null ? null : v.intValue();
  }

  /** A floating point number in {@code min..max}. */
  @Nullable Double number(String field, double min, double max) {
    JsonNode n = node(field);
    Double d = n == null ? null : number(field, n);
    if (d != null && !(d >= min && d <= max)) {
      problems.error(path(field), Values.render(n) + " (expected: " + Values.number(min) + ".." + Values.number(max) + ")");
      return null;
    }
    return d;
  }

  /** A floating point number {@code > 0} and {@code <= max} (a percentage that cannot be zero). */
  @Nullable Double positiveNumber(String field, double max) {
    JsonNode n = node(field);
    Double d = n == null ? null : number(field, n);
    if (d != null && !(d > 0 && d <= max)) {
      problems.error(path(field), Values.render(n) + " (expected: > 0 and <= " + Values.number(max) + ")");
      return null;
    }
    return d;
  }

  private @Nullable Double number(String field, JsonNode n) {
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isString()) {
      try {
        return Double.parseDouble(n.stringValue());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problems.error(path(field), Values.render(n) + " (expected: a number)");
    return null;
  }

  @Nullable Duration duration(String field) {
    JsonNode n = node(field);
    if (n == null) {
      return null;
    }
    Duration d = n.isString() ? GoDurations.parse(n.stringValue()) : null;
    if (d == null) {
      problems.error(path(field), Values.render(n) + " (expected: a duration like 1.5s or 100ms)");
    }
    return d;
  }

  /** A duration that must be {@code > 0} when given; null if absent or wrong (with an error). */
  @Nullable Duration positiveDuration(String field) {
    Duration d = duration(field);
    if (d != null && (d.isZero() || d.isNegative())) {
      JsonNode n = node(field);
      problems.error(path(field), (n == null ? d.toString() : Values.render(n)) + " (expected: > 0)");
      return null;
    }
    return d;
  }

  /**
   * A duration Resilience4j takes as an interval ({@code waitDurationInOpenState}, retry backoff):
   * at least {@link ConfigLimits#MIN_RESILIENCE4J_INTERVAL}; null if absent or wrong (with an error).
   */
  @Nullable Duration resilience4jInterval(String field) {
    return checked(field, positiveDuration(field), ConfigLimits::resilience4jIntervalProblem);
  }

  /** One of {@code allowed}, written exactly; null if absent or wrong (with an error). */
  @Nullable String enumValue(String field, List<String> allowed) {
    String s = string(field);
    if (s == null) {
      return null;
    }
    if (!allowed.contains(s)) {
      problems.error(path(field), "'" + s + "' (expected: one of " + String.join(", ", allowed) + ")");
      return null;
    }
    return s;
  }

  List<String> strings(String field) {
    List<String> out = new ArrayList<>();
    forEachString(field, (path, value) -> out.add(value));
    return out;
  }

  /** A list of non-empty names, each at most once (subset names, rule names); wrong entries are reported and left out. */
  List<String> names(String field) {
    List<String> out = new ArrayList<>();
    forEachString(field, (path, value) -> {
      if (value.isEmpty()) {
        problems.error(path, "'' (expected: a non-empty string)");
      } else if (out.contains(value)) {
        problems.error(path, "'" + value + "' is listed twice (expected: unique names)");
      } else {
        out.add(value);
      }
    });
    return out;
  }

  /**
   * A list of strings, each checked by {@code check} (which returns why a value is wrong, or null);
   * wrong entries are reported at their own path and left out.
   */
  List<String> strings(String field, java.util.function.Function<String, @Nullable String> check) {
    List<String> out = new ArrayList<>();
    forEachString(field, (path, value) -> {
      String problem = check.apply(value);
      if (problem == null) {
        out.add(value);
      } else {
        problems.error(path, problem);
      }
    });
    return out;
  }

  /** Calls {@code each} with the path and value of every string in the list at {@code field}, reporting the rest. */
  private void forEachString(String field, java.util.function.BiConsumer<String, String> each) {
    JsonNode n = node(field);
    if (n == null) {
      return;
    }
    if (!n.isArray()) {
      problems.error(path(field), Values.render(n) + " (expected: a list of strings)");
      return;
    }
    for (int i = 0; i < n.size(); i++) {
      JsonNode item = n.get(i);
      String p = path(field) + "[" + i + "]";
      if (item.isString()) {
        each.accept(p, item.stringValue().intern());
      } else {
        problems.error(p, Values.render(item) + " (expected: a string)");
      }
    }
  }

  /** A map of user-chosen keys (labels, header names) to strings; keys are kept as written, keys and values interned. */
  Map<String, String> stringMap(String field) {
    return stringMap(field, key -> null);
  }

  /** {@link #stringMap(String)} whose keys are checked by {@code keyCheck} (why a key is wrong, or null). */
  Map<String, String> stringMap(String field, java.util.function.Function<String, @Nullable String> keyCheck) {
    JsonNode n = node(field);
    if (n == null) {
      return Map.of();
    }
    if (!n.isObject()) {
      problems.error(path(field), Values.render(n) + " (expected: a mapping of strings)");
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      String keyProblem = keyCheck.apply(e.getKey());
      if (keyProblem != null) {
        problems.error(path(field) + "." + e.getKey(), keyProblem);
      } else if (e.getValue().isString()) {
        // Interned: labels repeat across thousands of endpoints ("version" → "v1"), one copy each
        // was ~1 MB of a 1,000-service mesh (docs/performance.md, "Heap of a large mesh").
        out.put(e.getKey().intern(), e.getValue().stringValue().intern());
      } else {
        problems.error(path(field) + "." + e.getKey(), Values.render(e.getValue()) + " (expected: a string)");
      }
    }
    return out;
  }

  @Nullable YamlObject object(String field) {
    return of(problems, path(field), node(field));
  }

  /** A list of mappings; entries that are not mappings are reported and skipped. */
  List<YamlObject> objects(String field) {
    JsonNode n = node(field);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      problems.error(path(field), Values.render(n) + " (expected: a list)");
      return List.of();
    }
    List<YamlObject> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      String p = path(field) + "[" + i + "]";
      JsonNode item = n.get(i);
      if (item.isNull()) {
        problems.error(p, "null (expected: a mapping)");
        continue;
      }
      YamlObject o = of(problems, p, item);
      if (o != null) {
        out.add(o);
      }
    }
    return out;
  }

  void reportUnknownFields() {
    for (Field f : fields.values()) {
      if (!f.read) {
        problems.error(join(path, f.written), "unknown field" + FieldSuggestion.hint(camelCase(f.written), known));
      }
    }
  }

  static String camelCase(String key) {
    if (key.indexOf('_') < 0) {
      return key;
    }
    StringBuilder sb = new StringBuilder(key.length());
    boolean upper = false;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '_') {
        upper = sb.length() > 0;
      } else {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.toString();
  }
}
