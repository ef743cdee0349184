package io.meshlet.core;

import io.meshlet.core.config.ConfigProblem;
import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.model.MeshConfig;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A source whose updates the test pushes (model objects, past any translator); {@code first} is delivered on start. */
final class PushSource implements ConfigSource {
  private final String name;
  private final MeshConfig first;
  private final List<ConfigProblem> firstProblems;
  private @Nullable ConfigSink sink;

  PushSource(String name, MeshConfig first, List<ConfigProblem> firstProblems) {
    this.name = name;
    this.first = first;
    this.firstProblems = List.copyOf(firstProblems);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start(ConfigSink sink) {
    this.sink = sink;
    push("first", first, firstProblems);
  }

  void push(String version, MeshConfig config, List<ConfigProblem> problems) {
    Objects.requireNonNull(sink, "sink").accept(new SourceUpdate(name, version, config, problems));
  }

  @Override
  public void close() {}
}
