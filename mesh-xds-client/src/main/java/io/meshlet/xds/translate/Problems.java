package io.meshlet.xds.translate;

import io.meshlet.core.config.ConfigProblem;
import java.util.ArrayList;
import java.util.List;

/** The problems of one xDS resource, with its type and name; collected while it is translated. */
final class Problems {
  static final String LOCATION = "xds";

  private final String kind;
  private final String name;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private int errors;

  Problems(String kind, String name) {
    this.kind = kind;
    this.name = name;
  }

  void error(String path, String message) {
    errors++;
    problems.add(ConfigProblem.error(kind, name, LOCATION, path, message));
  }

  void warning(String path, String message) {
    problems.add(ConfigProblem.warning(kind, name, LOCATION, path, message));
  }

  /** A field that is read but has no effect in Meshlet. */
  void ignored(String path, String why) {
    warning(path, "ignored: " + why);
  }

  boolean hasErrors() {
    return errors > 0;
  }

  int errorCount() {
    return errors;
  }

  List<ConfigProblem> all() {
    return problems;
  }

  String kind() {
    return kind;
  }

  String name() {
    return name;
  }
}
