package io.meshlet.xds;

import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.ConfigSourceProvider;
import io.meshlet.core.model.Workload;
import io.meshlet.xds.bootstrap.XdsBootstrap;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Registers the xDS source with the core ({@code META-INF/services}), so that {@code
 * Mesh.builder().xdsBootstrap(path)} and {@code xdsFromEnvironment()} work with this module on the
 * classpath. Not for direct use.
 */
public final class XdsConfigSourceProvider implements ConfigSourceProvider {
  @Override
  public String kind() {
    return "xds";
  }

  @Override
  public ConfigSource create(@Nullable Path config, Workload workload) {
    return create(config, workload, List.of());
  }

  @Override
  public ConfigSource create(@Nullable Path config, Workload workload, List<Integer> serverPorts) {
    XdsBootstrap bootstrap = config == null ? XdsBootstrap.fromEnvironment() : XdsBootstrap.fromPath(config);
    return XdsConfigSource.fromBootstrap(bootstrap, workload, serverPorts);
  }
}
