package io.meshlet.consul;

import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.ConfigSourceProvider;
import io.meshlet.core.model.Workload;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@code Mesh.builder().consul(agent, services...)} finds with {@link java.util.ServiceLoader}:
 * a {@link ConsulSource} with Consul's defaults, its resources in the workload's namespace. Public
 * only because the service loader needs it.
 */
public final class ConsulSourceProvider implements ConfigSourceProvider {
  @Override
  public String kind() {
    return "consul";
  }

  @Override
  public ConfigSource create(@Nullable Path config, Workload workload) {
    throw new UnsupportedOperationException("consul: a source is made from the agent's address "
        + "(Mesh.builder().consul(URI, services...) or ConsulSource.builder()), not from a file");
  }

  @Override
  public ConfigSource create(URI address, List<String> names, Workload workload) {
    ConsulSource.Builder b = ConsulSource.builder().address(address).meshNamespace(workload.namespace());
    return (names.isEmpty() ? b.allServices() : b.services(names)).build();
  }
}
