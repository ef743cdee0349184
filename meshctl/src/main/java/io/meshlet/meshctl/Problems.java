package io.meshlet.meshctl;

import io.meshlet.core.config.ConfigProblem;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Config problems printed for a person (one line each, with the path to the field) or as JSON. */
final class Problems {
  private Problems() {}

  static void text(PrintWriter out, List<ConfigProblem> errors, List<ConfigProblem> warnings) {
    for (ConfigProblem p : errors) {
      out.println("Error   " + p);
    }
    for (ConfigProblem p : warnings) {
      out.println("Warning " + p);
    }
    out.flush();
  }

  static Map<String, Object> json(List<ConfigProblem> errors, List<ConfigProblem> warnings) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("errors", list(errors));
    out.put("warnings", list(warnings));
    return out;
  }

  private static List<Map<String, Object>> list(List<ConfigProblem> problems) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ConfigProblem p : problems) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", p.kind());
      m.put("name", p.name());
      m.put("location", p.location());
      m.put("path", p.path());
      m.put("message", p.message());
      m.put("text", p.toString());
      out.add(m);
    }
    return out;
  }
}
