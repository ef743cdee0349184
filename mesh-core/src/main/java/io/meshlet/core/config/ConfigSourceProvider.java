package io.meshlet.core.config;

import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.model.Workload;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Makes config sources that live in other modules, found with {@link java.util.ServiceLoader}: the
 * core knows no xDS or Consul, but {@code Mesh.builder().xdsBootstrap(path)} finds the provider of
 * kind {@code xds} that mesh-xds-client registers, and {@code Mesh.builder().consul(agent, services)}
 * the provider of kind {@code consul} that mesh-consul registers.
 */
public interface ConfigSourceProvider {
  /** The kind this provider makes: {@code xds}, {@code consul}. */
  String kind();

  /**
   * A source for {@code workload}, configured by the file at {@code config}, or, when it is null,
   * by the environment (for xDS: {@code GRPC_XDS_BOOTSTRAP} or {@code GRPC_XDS_BOOTSTRAP_CONFIG}).
   */
  ConfigSource create(@Nullable Path config, Workload workload);

  /**
   * The workload certificates the same config names, if any: for xDS, the bootstrap's {@code
   * certificate_providers} instance {@code default} when it is a {@code file_watcher} (as Istio's
   * grpc-agent writes it). The mesh uses it when no certificates were given explicitly, and closes
   * it with itself.
   *
   * @param executor where a watching provider re-reads its files
   */
  default Optional<CertificateProvider> certificates(@Nullable Path config, ScheduledExecutorService executor) {
    return Optional.empty();
  }

  /**
   * As {@link #create(Path, Workload)}, for a workload that also serves on {@code serverPorts} (for
   * xDS: the inbound listeners to subscribe to). By default the ports are not used.
   */
  default ConfigSource create(@Nullable Path config, Workload workload, List<Integer> serverPorts) {
    return create(config, workload);
  }

  /**
   * As {@link #create(Path, Workload, List)}, announcing {@code nodeMetadata} to the server as well
   * (for xDS: merged over the bootstrap's {@code node.metadata}, a key given here winning). By
   * default only empty metadata is accepted.
   *
   * @throws UnsupportedOperationException when {@code nodeMetadata} is not empty and this kind cannot send it
   */
  default ConfigSource create(@Nullable Path config, Workload workload, List<Integer> serverPorts,
      Map<String, Object> nodeMetadata) {
    if (!nodeMetadata.isEmpty()) {
      throw new UnsupportedOperationException(kind() + ": no node metadata is sent by this kind of source");
    }
    return create(config, workload, serverPorts);
  }

  /**
   * The workload as the same config describes it, called before any source is made: for xDS, the
   * bootstrap node's namespace and labels (istio-agent writes them into its metadata). {@code
   * namespaceSet} and {@code labelsSet} say whether the user gave them to the mesh; a given value
   * that contradicts the config is an error. By default the workload is returned unchanged.
   */
  default Workload workload(@Nullable Path config, Workload declared, boolean namespaceSet, boolean labelsSet) {
    return declared;
  }

  /**
   * A source reading the server at {@code address} for {@code names}, for kinds made that way (for
   * Consul: the agent and the services to watch, all of them when empty). By default this kind is
   * not made from an address.
   */
  default ConfigSource create(URI address, List<String> names, Workload workload) {
    throw new UnsupportedOperationException(kind() + ": not made from an address");
  }
}
