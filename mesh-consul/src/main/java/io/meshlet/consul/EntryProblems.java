package io.meshlet.consul;

import io.meshlet.core.config.ConfigProblem;
import java.util.List;

/** The problems of one config entry, each with the entry's kind, name and the path to its field. */
record EntryProblems(String kind, String name, List<ConfigProblem> out) {
  String location() {
    return "/v1/config/" + kind + "/" + name;
  }

  void error(String path, String message) {
    out.add(ConfigProblem.error(kind, name, location(), path, message));
  }

  void warning(String path, String message) {
    out.add(ConfigProblem.warning(kind, name, location(), path, message));
  }

  void notYetApplied(String path) {
    warning(path, "not yet applied by Meshlet");
  }
}
