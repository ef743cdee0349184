package io.meshlet.spring;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * The URL announced as node metadata {@value #METADATA} (where mesh-control-plane's console reads
 * this workload's Prometheus text): {@code mesh.telemetry.metrics-url}, else the actuator's
 * {@code prometheus} endpoint when it is exposed over HTTP on a port known before the server starts.
 */
final class MeshMetricsUrl {
  /** The node metadata key mesh-control-plane reads. */
  static final String METADATA = "MESHLET_METRICS_URL";
  static final String PROMETHEUS_ENDPOINT =
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint";
  private static final Logger log = LoggerFactory.getLogger(MeshMetricsUrl.class);

  private MeshMetricsUrl() {}

  /**
   * The explicit URL, checked; null when {@code mesh.telemetry.metrics-url} is unset.
   *
   * @throws IllegalStateException naming the property when it is not an absolute http(s) URL
   */
  static @Nullable String explicit(MeshProperties.Telemetry telemetry) {
    String url = telemetry.getMetricsUrl();
    if (!StringUtils.hasText(url)) {
      return null;
    }
    String expected = " (expected: an absolute http or https URL, e.g. http://10.0.0.7:8080/actuator/prometheus)";
    try {
      URI uri = new URI(url.strip());
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalStateException("mesh.telemetry.metrics-url: '" + url + "'" + expected);
      }
      return uri.toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("mesh.telemetry.metrics-url: '" + url + "': " + e.getReason() + expected, e);
    }
  }

  /** Whether Boot's prometheus endpoint is a bean of this context and exposed over HTTP. */
  static boolean prometheusExposed(ListableBeanFactory beans, Environment environment) {
    if (!ClassUtils.isPresent(PROMETHEUS_ENDPOINT, MeshMetricsUrl.class.getClassLoader())) {
      return false;
    }
    Class<?> type = ClassUtils.resolveClassName(PROMETHEUS_ENDPOINT, MeshMetricsUrl.class.getClassLoader());
    if (beans.getBeanNamesForType(type, true, false).length == 0) {
      return false;
    }
    Binder binder = Binder.get(environment);
    Set<String> include = binder.bind("management.endpoints.web.exposure.include", Bindable.setOf(String.class))
        .orElse(Set.of("health"));
    Set<String> exclude = binder.bind("management.endpoints.web.exposure.exclude", Bindable.setOf(String.class))
        .orElse(Set.of());
    return (include.contains("*") || include.contains("prometheus"))
        && !exclude.contains("*") && !exclude.contains("prometheus");
  }

  /**
   * The prometheus endpoint's URL from the environment: the management server's port, address,
   * base path and TLS when {@code management.server.port} is set, else the application server's
   * (with its servlet context path); {@code server.port} unset is Boot's 8080. Null, with a log line
   * saying why, when the port is chosen at start ({@code 0}) or HTTP management is off ({@code -1}).
   */
  static @Nullable String fromActuator(Environment env) {
    Integer managementPort = env.getProperty("management.server.port", Integer.class);
    boolean separate = managementPort != null;
    int port = separate ? managementPort : env.getProperty("server.port", Integer.class, 8080);
    String portProperty = separate ? "management.server.port" : "server.port";
    if (port <= 0) {
      log.info("{} not announced: {} is {} (the port is not known when the mesh connects); "
          + "set mesh.telemetry.metrics-url to announce one", METADATA, portProperty, port);
      return null;
    }
    String server = separate ? "management.server" : "server";
    String host = env.getProperty(server + ".address");
    if (!StringUtils.hasText(host) || isWildcard(host)) {
      host = localAddress();
    }
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    boolean tls = env.getProperty(server + ".ssl.enabled", Boolean.class,
        StringUtils.hasText(env.getProperty(server + ".ssl.bundle")) || StringUtils.hasText(env.getProperty(server + ".ssl.key-store")));
    String prefix = separate ? env.getProperty("management.server.base-path", "") : env.getProperty("server.servlet.context-path", "");
    String basePath = env.getProperty("management.endpoints.web.base-path", "/actuator");
    String name = env.getProperty("management.endpoints.web.path-mapping.prometheus", "prometheus");
    return (tls ? "https" : "http") + "://" + host + ":" + port + path(prefix) + path(basePath) + path(name);
  }

  /** {@code p} with one leading slash and no trailing one; empty for empty or {@code /}. */
  private static String path(String p) {
    String s = p.strip();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.isEmpty() ? "" : s.startsWith("/") ? s : "/" + s;
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  /** This host's address as the mesh takes its own by default ({@code InetAddress.getLocalHost()}). */
  private static String localAddress() {
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return InetAddress.getLoopbackAddress().getHostAddress();
    }
  }
}
