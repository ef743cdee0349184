package io.meshlet.perf;

import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.config.istio.IstioYaml;

/**
 * A config source that parses one Istio YAML text once and delivers it; no file, no poll thread,
 * so nothing runs beside the benchmark after start-up.
 */
final class YamlSource implements ConfigSource {
  private final String yaml;

  YamlSource(String yaml) {
    this.yaml = yaml;
  }

  @Override
  public String name() {
    return "perf";
  }

  @Override
  public void start(ConfigSink sink) {
    IstioYaml.ParseResult parsed = IstioYaml.parse(name(), "generated.yaml", yaml, "default");
    sink.accept(new SourceUpdate(name(), "1", parsed.config(), parsed.problems()));
  }

  @Override
  public void close() {}
}
