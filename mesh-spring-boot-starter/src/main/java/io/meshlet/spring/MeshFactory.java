package io.meshlet.spring;

import io.meshlet.core.Mesh;
import io.meshlet.core.config.XdsBootstrapEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.StringUtils;

/** Turns {@link MeshProperties} into a {@link Mesh.Builder}: one property, one builder call. */
final class MeshFactory {
  private static final Logger log = LoggerFactory.getLogger(MeshFactory.class);

  private MeshFactory() {}

  /** As {@link #builder(MeshProperties, Environment, ResourceLoader, UnaryOperator, boolean)} with no prometheus endpoint. */
  static Mesh.Builder builder(MeshProperties p, Environment environment, ResourceLoader resources,
      UnaryOperator<@Nullable String> env) {
    return builder(p, environment, resources, env, false);
  }

  /**
   * @param env reads the process environment ({@code System::getenv} outside tests)
   * @param prometheusExposed whether the actuator's prometheus endpoint is exposed over HTTP, so its
   *     URL may be announced ({@link MeshMetricsUrl})
   */
  static Mesh.Builder builder(MeshProperties p, Environment environment, ResourceLoader resources,
      UnaryOperator<@Nullable String> env, boolean prometheusExposed) {
    Mesh.Builder b = Mesh.builder();
    String workload = p.getWorkload() != null ? p.getWorkload() : environment.getProperty("spring.application.name");
    if (!StringUtils.hasText(workload)) {
      throw new IllegalStateException(
          "mesh.workload: not set (expected: the workload's name, or spring.application.name to default it from)");
    }
    b.workload(workload);
    if (p.getNamespace() != null) {
      b.namespace(p.getNamespace());
    }
    if (p.getLabels() != null) {
      b.labels(p.getLabels());
    }
    if (StringUtils.hasText(p.getLocality())) {
      b.locality(p.getLocality());
    }
    if (p.getRootNamespace() != null) {
      b.rootNamespace(p.getRootNamespace());
    }
    if (p.getNumTrustedProxies() != null) {
      b.numTrustedProxies(p.getNumTrustedProxies());
    }
    if (p.getOutboundTrafficPolicy() != null) {
      b.outboundTrafficPolicy(p.getOutboundTrafficPolicy());
    }
    for (int port : p.getServerPorts()) {
      b.serverPort(port);
    }
    for (Path file : files(p.getConfig().getFiles(), resources)) {
      b.configFile(file);
    }
    b.pollInterval(p.getConfig().getPollInterval());
    MeshProperties.Xds xds = p.getXds();
    boolean xdsOn = true;
    if (xds.getBootstrap() != null) {
      b.xdsBootstrap(xds.getBootstrap());
    } else if (xds.isFromEnvironment() && XdsBootstrapEnvironment.isSet(env::apply)) {
      b.xdsFromEnvironment();
    } else {
      xdsOn = false;
    }
    Map<String, Object> metadata = nodeMetadata(p, environment, xdsOn && prometheusExposed);
    if (xdsOn) {
      if (!metadata.isEmpty()) {
        b.xdsNodeMetadata(metadata);
      }
    } else if (!metadata.isEmpty()) {
      log.warn("mesh.xds.metadata / mesh.telemetry.metrics-url: {} not sent: no xDS source (mesh.xds.bootstrap, "
          + "or {} / {} in the environment)", metadata.keySet(), XdsBootstrapEnvironment.BOOTSTRAP,
          XdsBootstrapEnvironment.BOOTSTRAP_CONFIG);
    }
    MeshConsul.apply(p.getConsul(), p.getNamespace(), b);
    MeshProperties.Certificates c = p.getCertificates();
    if (c.getCertificateChain() != null || c.getPrivateKey() != null || c.getCaCertificates() != null) {
      if (c.getCertificateChain() == null || c.getPrivateKey() == null || c.getCaCertificates() == null) {
        throw new IllegalStateException("mesh.certificates: certificate-chain, private-key and ca-certificates "
            + "must be given together (given: chain=" + c.getCertificateChain() + ", key=" + c.getPrivateKey()
            + ", ca=" + c.getCaCertificates() + ")");
      }
      b.certificateFiles(c.getCertificateChain(), c.getPrivateKey(), c.getCaCertificates());
    }
    b.startupTimeout(p.getStartup().getTimeout());
    b.awaitFirstConfig(p.getStartup().isAwaitFirstConfig());
    if (p.getTelemetry().getAccessLog() != null) {
      b.accessLog(p.getTelemetry().getAccessLog());
    }
    return b;
  }

  /**
   * {@code mesh.xds.metadata} with {@value MeshMetricsUrl#METADATA}: {@code mesh.telemetry.metrics-url}
   * when set (the same key in {@code mesh.xds.metadata} must then agree), else the actuator's
   * prometheus URL when {@code deriveMetricsUrl} and the key is not in the map.
   */
  static Map<String, Object> nodeMetadata(MeshProperties p, Environment environment, boolean deriveMetricsUrl) {
    Map<String, Object> metadata = new LinkedHashMap<>(p.getXds().getMetadata());
    MeshProperties.Telemetry telemetry = p.getTelemetry();
    String explicit = MeshMetricsUrl.explicit(telemetry);
    Object given = metadata.get(MeshMetricsUrl.METADATA);
    if (explicit != null) {
      if (given != null && !explicit.equals(String.valueOf(given))) {
        throw new IllegalStateException("mesh.telemetry.metrics-url: '" + explicit + "' but mesh.xds.metadata."
            + MeshMetricsUrl.METADATA + " is '" + given + "' (expected: one of the two, or the same URL)");
      }
      metadata.put(MeshMetricsUrl.METADATA, explicit);
    } else if (given == null && deriveMetricsUrl && telemetry.isMetricsUrlFromActuator()) {
      String url = MeshMetricsUrl.fromActuator(environment);
      if (url != null) {
        metadata.put(MeshMetricsUrl.METADATA, url);
      }
    }
    return metadata;
  }

  /**
   * The config files as paths: a file path, or a {@code classpath:} (or other Spring) location. A
   * resource that is a file (a build's {@code target/classes}) is watched in place; one inside a jar
   * is copied to a temporary directory under its own name, so messages still name it.
   */
  static List<Path> files(List<String> locations, ResourceLoader resources) {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < locations.size(); i++) {
      String location = locations.get(i);
      if (!location.startsWith(ResourceLoader.CLASSPATH_URL_PREFIX) && !location.startsWith("file:")) {
        out.add(Path.of(location));
        continue;
      }
      Resource r = resources.getResource(location);
      if (!r.exists()) {
        throw new IllegalStateException("mesh.config.files[" + i + "]: " + location + " does not exist");
      }
      try {
        if (r.isFile()) {
          out.add(r.getFile().toPath());
        } else {
          Path dir = Files.createTempDirectory("meshlet-config");
          dir.toFile().deleteOnExit();
          Path copy = dir.resolve(r.getFilename() != null ? r.getFilename() : "mesh-" + i + ".yaml");
          try (InputStream in = r.getInputStream()) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
          }
          copy.toFile().deleteOnExit();
          out.add(copy);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("mesh.config.files[" + i + "]: " + location + " cannot be read: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
