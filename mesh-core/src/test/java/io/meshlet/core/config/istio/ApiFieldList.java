package io.meshlet.core.config.istio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The field paths of one kind, from {@code src/test/resources/istio-api-fields/<Kind>.txt} (derived
 * from istio/api's protos by {@code extract.py} there): {@code spec.http[].retries.attempts}, with
 * {@code []} on repeated fields and {@code {}} on maps, and the API's marks ({@code deprecated},
 * {@code hidden}) after a space.
 */
final class ApiFieldList {
  /** Path → marks, in the order of the protos. */
  private final Map<String, Set<String>> fields = new LinkedHashMap<>();
  /** Path without its {@code []}/{@code {}} → path. */
  private final Map<String, String> bare = new LinkedHashMap<>();

  private ApiFieldList() {}

  static ApiFieldList load(String kind) {
    ApiFieldList list = new ApiFieldList();
    String resource = "/istio-api-fields/" + kind + ".txt";
    try (InputStream in = ApiFieldList.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no " + resource);
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.strip().split(" ");
        list.fields.put(parts[0], Set.of(parts).stream().filter(p -> !p.equals(parts[0])).collect(java.util.stream.Collectors.toSet()));
        list.bare.put(strip(parts[0]), parts[0]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return list;
  }

  List<String> paths() {
    return List.copyOf(fields.keySet());
  }

  Set<String> marks(String path) {
    return fields.getOrDefault(path, Set.of());
  }

  /**
   * The catalogue path of a path as a parser or a document writes it ({@code http[0].match[1].headers.end-user.exact}
   * → {@code spec.http[].match[].headers{}.exact}), or null if it names no field of the list. Map keys
   * are recognised by position (the segment after a map field), so they must not contain dots.
   */
  @Nullable String normalize(String written) {
    String[] segments = written.isEmpty() ? new String[0] : written.split("\\.");
    StringBuilder out = new StringBuilder("spec");
    for (int i = 0; i < segments.length; i++) {
      String name = YamlObject.camelCase(segments[i].replaceAll("\\[\\d+]$", ""));
      String path = bare.get(strip(out) + "." + name);
      if (path == null) {
        return null;
      }
      out.setLength(0);
      out.append(path);
      if (path.endsWith("{}") && i + 1 < segments.length) {
        i++; // the map's key
      }
    }
    return out.toString();
  }

  /**
   * The enclosing path of {@code path}: a field of the list, {@code spec} for a top-level field (a
   * status given to the whole resource is {@code spec}'s), or null for {@code spec}.
   */
  static @Nullable String parent(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? null : path.substring(0, dot);
  }

  private static String strip(CharSequence path) {
    return path.toString().replace("[]", "").replace("{}", "");
  }

  /** Every path in {@code lists}' sense that the YAML document {@code spec} writes, as {@link #normalize} gives it; unknown ones as written. */
  List<String> writtenPaths(tools.jackson.databind.JsonNode spec, List<String> unknown) {
    List<String> out = new ArrayList<>();
    collect(spec, "", out, unknown);
    return out;
  }

  private void collect(tools.jackson.databind.JsonNode node, String prefix, List<String> out, List<String> unknown) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), prefix + "[" + i + "]", out, unknown);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    for (Map.Entry<String, tools.jackson.databind.JsonNode> e : node.properties()) {
      String written = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      String path = normalize(written);
      if (path == null) {
        unknown.add(written);
        continue;
      }
      out.add(path);
      if (!path.endsWith("{}")) {
        collect(e.getValue(), written, out, unknown);
      } else if (e.getValue().isObject()) {
        // a map: its keys are the user's; its values may be messages of the list
        for (Map.Entry<String, tools.jackson.databind.JsonNode> entry : e.getValue().properties()) {
          if (entry.getValue().isObject()) {
            collect(entry.getValue(), written + "." + entry.getKey(), out, unknown);
          }
        }
      }
    }
  }
}
