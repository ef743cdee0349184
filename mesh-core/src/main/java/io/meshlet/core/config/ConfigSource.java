package io.meshlet.core.config;

/**
 * A provider of mesh config (Istio YAML files, xDS, Consul). Implementations translate their format
 * into the model and call the sink with a whole {@link SourceUpdate} whenever what they hold changes.
 */
public interface ConfigSource extends AutoCloseable {
  /** A stable name, unique within one mesh: {@code file:/etc/mesh}, {@code xds:istiod.istio-system:15010}. */
  String name();

  /** Starts delivering updates. The first update should come as soon as the source has read its config. */
  void start(ConfigSink sink);

  /**
   * What the source holds, one line per item, for a person: an xDS source lists every subscribed
   * resource with its version and state (gRPC's CSDS). Empty by default.
   */
  default java.util.List<String> configDump() {
    return java.util.List.of();
  }

  @Override
  void close();
}
