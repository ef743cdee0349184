package io.meshlet.xds;

import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.ConfigSourceProvider;
import io.meshlet.core.identity.CertificateProvider;
import io.meshlet.core.identity.FileWatcherCertificateProvider;
import io.meshlet.core.model.Workload;
import io.meshlet.xds.bootstrap.CertificateFiles;
import io.meshlet.xds.bootstrap.XdsBootstrap;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Registers the xDS source with the core ({@code META-INF/services}), so that {@code
 * Mesh.builder().xdsBootstrap(path)} and {@code xdsFromEnvironment()} work with this module on the
 * classpath. Not for direct use.
 */
public final class XdsConfigSourceProvider implements ConfigSourceProvider {
  // The mesh asks one provider (the service loader makes a new one per build) for the workload, the
  // source and the certificates of one bootstrap: it is read and parsed once, and all three see the
  // same file.
  private @Nullable Path readFrom;
  private @Nullable XdsBootstrap read;

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
    return create(config, workload, serverPorts, Map.of());
  }

  /** The bootstrap's source, its node metadata with {@code nodeMetadata} merged over it (a key given here wins). */
  @Override
  public ConfigSource create(@Nullable Path config, Workload workload, List<Integer> serverPorts,
      Map<String, Object> nodeMetadata) {
    XdsBootstrap bootstrap = bootstrap(config);
    XdsConfigSource.Builder b = XdsConfigSource.builderFromBootstrap(bootstrap, workload, serverPorts)
        .delta(deltaFromEnvironment(System::getenv));
    if (!nodeMetadata.isEmpty()) {
      Map<String, Object> merged = new LinkedHashMap<>(bootstrap.node().metadata());
      merged.putAll(nodeMetadata);
      b.metadata(merged);
    }
    return b.build();
  }

  /**
   * The environment variable that chooses the delta (incremental) protocol: gRPC's bootstrap has no
   * field for it, and gRPC itself speaks only state of the world. {@code true} or {@code false}
   * (the default), as Istio's {@code ISTIO_DELTA_XDS} for its agent.
   */
  public static final String DELTA_ENV = "MESHLET_XDS_DELTA";

  /** {@value #DELTA_ENV} read from {@code env} (null: unset). */
  static boolean deltaFromEnvironment(Function<String, @Nullable String> env) {
    String value = env.apply(DELTA_ENV);
    if (value == null || value.isBlank()) {
      return false;
    }
    String v = value.trim();
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(DELTA_ENV + ": '" + value + "' (expected: true or false)");
  }

  /**
   * The bootstrap node's namespace (metadata {@code NAMESPACE}) and labels (metadata {@code LABELS})
   * where the mesh was not given its own. A namespace given to the mesh that differs from the
   * node's is an error: the control plane selects policies by the node's, the mesh would apply them
   * by its own, and server-side policies would silently not apply.
   */
  @Override
  public Workload workload(@Nullable Path config, Workload declared, boolean namespaceSet, boolean labelsSet) {
    XdsBootstrap bootstrap = bootstrap(config);
    return workload(bootstrap, declared, namespaceSet, labelsSet);
  }

  static Workload workload(XdsBootstrap bootstrap, Workload declared, boolean namespaceSet, boolean labelsSet) {
    String nodeNamespace = bootstrap.node().namespace();
    String namespace = declared.namespace();
    if (nodeNamespace != null) {
      if (namespaceSet && !nodeNamespace.equals(namespace)) {
        throw new IllegalStateException(bootstrap.source() + ": node.metadata.NAMESPACE: '" + nodeNamespace
            + "' but the mesh was built with namespace '" + namespace
            + "' (expected: the same namespace, or none given to the mesh)");
      }
      namespace = nodeNamespace;
    }
    Map<String, String> labels = !labelsSet && !bootstrap.node().labels().isEmpty()
        ? bootstrap.node().labels() : declared.labels();
    String locality = declared.locality();
    if (locality.isEmpty()) {
      locality = bootstrap.node().locality().path();
    }
    return new Workload(declared.name(), namespace, labels, declared.address(), locality);
  }

  /** The instance Istio's grpc-agent bootstrap names, and the one the mesh's own mTLS uses. */
  public static final String DEFAULT_CERTIFICATE_PROVIDER = "default";

  /**
   * The bootstrap's {@code certificate_providers.default} when it is a {@code file_watcher} with a
   * certificate and key: the workload's certificates, re-read every {@code refresh_interval}.
   */
  @Override
  public Optional<CertificateProvider> certificates(@Nullable Path config, ScheduledExecutorService executor) {
    XdsBootstrap bootstrap = bootstrap(config);
    return certificates(bootstrap, executor);
  }

  static Optional<CertificateProvider> certificates(XdsBootstrap bootstrap, ScheduledExecutorService executor) {
    io.meshlet.xds.bootstrap.CertificateProvider provider = bootstrap.certificateProviders().get(DEFAULT_CERTIFICATE_PROVIDER);
    CertificateFiles files = provider == null ? null : provider.fileWatcher();
    if (files == null || !files.hasIdentity() || files.caCertificateFile() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(FileWatcherCertificateProvider.builder(
              Path.of(files.certificateFile()), Path.of(files.privateKeyFile()), Path.of(files.caCertificateFile()))
          .refreshInterval(files.refreshInterval())
          .executor(executor)
          .build());
    } catch (IllegalStateException e) {
      throw new IllegalStateException(bootstrap.source() + ": certificate_providers." + DEFAULT_CERTIFICATE_PROVIDER
          + ": " + e.getMessage(), e);
    }
  }

  /** The bootstrap at {@code config}, or the environment's when null; read once per provider and config. */
  private synchronized XdsBootstrap bootstrap(@Nullable Path config) {
    if (read == null || !Objects.equals(readFrom, config)) {
      read = config == null ? XdsBootstrap.fromEnvironment() : XdsBootstrap.fromPath(config);
      readFrom = config;
    }
    return read;
  }
}
