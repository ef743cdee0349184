package io.meshlet.xds.bootstrap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** JSON values as plain Java values, and how values are shown in messages. */
final class JsonValues {
  private JsonValues() {}

  /** Objects to ordered maps, arrays to lists, scalars to String/Boolean/Long/BigInteger/Double; null for JSON null. */
  static @Nullable Object toJava(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        Object v = toJava(e.getValue());
        if (v != null) {
          map.put(e.getKey(), v);
        }
      }
      return Collections.unmodifiableMap(map);
    }
    if (n.isArray()) {
      List<Object> list = new ArrayList<>();
      for (JsonNode item : n.values()) {
        Object v = toJava(item);
        if (v != null) {
          list.add(v);
        }
      }
      return Collections.unmodifiableList(list);
    }
    if (n.isString()) {
      return n.stringValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isIntegralNumber()) {
      return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(JsonNode object) {
    Object v = toJava(object);
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** A deep, ordered, unmodifiable copy of a JSON-like map (values: maps, lists, scalars). */
  static Map<String, Object> immutableCopy(Map<String, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, copyValue(v)));
    return Collections.unmodifiableMap(out);
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return immutableCopy((Map<String, Object>) m);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(item -> out.add(copyValue(item)));
      return Collections.unmodifiableList(out);
    }
    return v;
  }

  /** {@code 'text'} for strings, the literal for numbers and booleans, a word for the rest. */
  static String render(JsonNode n) {
    if (n.isString()) {
      return "'" + n.stringValue() + "'";
    }
    if (n.isObject()) {
      return "an object";
    }
    if (n.isArray()) {
      return "an array";
    }
    return n.toString();
  }
}
