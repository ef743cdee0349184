package io.meshlet.core.config.istio;

import io.meshlet.core.config.ConfigProblem;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Collects the problems of one parse. Problems about a resource carry its kind, name and namespace; the
 * resource's not-yet-applied paths and the mappings it read (checked for unknown fields when the
 * resource ends) are kept here too.
 */
final class Problems {
  private final String location;
  private final List<ConfigProblem> all = new ArrayList<>();
  private @Nullable String kind;
  private @Nullable String name;
  private @Nullable String namespace;
  private int resourceErrors;
  private final List<String> notYetApplied = new ArrayList<>();
  private final List<YamlObject> objects = new ArrayList<>();
  private final FieldLog fieldLog;
  /** Whether the resource's {@code spec} is being read: only its fields go to the {@link FieldLog}. */
  private boolean inSpec;

  Problems(String location) {
    this(location, FieldLog.NONE);
  }

  Problems(String location, FieldLog fieldLog) {
    this.location = location;
    this.fieldLog = fieldLog;
  }

  /** Where fields read now are reported: the field log while a {@code spec} is read, else nowhere. */
  FieldLog fieldLog() {
    return inSpec ? fieldLog : FieldLog.NONE;
  }

  /** The resource frame ({@code apiVersion}, {@code metadata}, ...) is read; its {@code spec} comes now. */
  void specStarts() {
    inSpec = true;
  }

  String location() {
    return location;
  }

  void startResource(@Nullable String kind, @Nullable String name, @Nullable String namespace) {
    this.kind = kind;
    this.name = name;
    this.namespace = namespace;
    inSpec = false;
    resourceErrors = 0;
    notYetApplied.clear();
    objects.clear();
  }

  /** Reports unknown fields of every mapping read since {@link #startResource}; true if the resource had no error. */
  boolean endResource() {
    for (YamlObject o : objects) {
      o.reportUnknownFields();
    }
    objects.clear();
    inSpec = false;
    boolean ok = resourceErrors == 0;
    kind = null;
    name = null;
    namespace = null;
    return ok;
  }

  /** Ends the resource being read without reporting its unread fields: its reading was cut short. */
  void abandonResource() {
    objects.clear();
    inSpec = false;
    kind = null;
    name = null;
    namespace = null;
  }

  void track(YamlObject object) {
    objects.add(object);
  }

  void error(String path, String message) {
    resourceErrors++;
    all.add(new ConfigProblem(ConfigProblem.Severity.ERROR, kind, name, location, path, message, namespace));
  }

  void warning(String path, String message) {
    all.add(new ConfigProblem(ConfigProblem.Severity.WARNING, kind, name, location, path, message, namespace));
  }

  /** A field that was validated but is not applied: listed on the resource and reported as a warning. */
  void notYetApplied(String path) {
    notYetApplied(path, "not yet applied by Meshlet");
  }

  /** Like {@link #notYetApplied(String)} with a specific message. */
  void notYetApplied(String path, String message) {
    notYetApplied.add(path);
    warning(path, message);
    fieldLog().status(path, FieldLog.Status.NOT_APPLIED, message);
  }

  /**
   * A valid field that cannot apply inside an application (it configures the proxy's listeners, its
   * filters or its inbound capture): listed on the resource and reported as a warning naming why.
   */
  void notInProcess(String path, String message) {
    notYetApplied.add(path);
    warning(path, message);
    fieldLog().status(path, FieldLog.Status.NOT_IN_PROCESS, message);
  }

  /**
   * A field accepted without a warning and without effect ({@code docs/configuration.md}: "accepted,
   * not used"); {@code reason} is what the field catalogue says about it.
   */
  void acceptedUnused(String path, String reason) {
    fieldLog().status(path, FieldLog.Status.NOT_APPLIED, reason);
  }

  List<String> notYetAppliedPaths() {
    return List.copyOf(notYetApplied);
  }

  List<ConfigProblem> all() {
    return List.copyOf(all);
  }
}
