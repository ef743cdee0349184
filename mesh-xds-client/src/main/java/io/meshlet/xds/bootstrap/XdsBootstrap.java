package io.meshlet.xds.bootstrap;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.config.XdsBootstrapEnvironment;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * gRPC's xDS bootstrap: the management servers, the node identity sent to them, certificate
 * providers and listener name templates (gRFC A27, A29, A30, A36, A47, A53, A65), as istio-agent
 * writes it for proxyless gRPC. Immutable.
 *
 * <p>Validation collects every error and throws one {@link XdsBootstrapException}. Fields gRPC does
 * not define are tolerated, as gRPC does, and listed in {@link #ignoredFields()} (paths such as
 * {@code xds_servers[0].call_creds}); plugin configs and node metadata are kept whole.
 *
 * @param source where the bootstrap came from (a file path or {@code GRPC_XDS_BOOTSTRAP_CONFIG}), for messages
 * @param servers {@code xds_servers}, in order of preference; never empty when parsed
 * @param certificateProviders {@code certificate_providers} by instance name, in file order
 * @param serverListenerResourceNameTemplate {@code server_listener_resource_name_template}; {@code %s}
 *     stands for the server's listening {@code ip:port}
 * @param clientDefaultListenerResourceNameTemplate {@code client_default_listener_resource_name_template};
 *     gRPC's default when absent is {@code %s}
 * @param authorities {@code authorities} by name, in file order
 */
public record XdsBootstrap(
    String source,
    List<XdsServer> servers,
    Node node,
    Map<String, CertificateProvider> certificateProviders,
    @Nullable String serverListenerResourceNameTemplate,
    @Nullable String clientDefaultListenerResourceNameTemplate,
    Map<String, Authority> authorities,
    List<String> ignoredFields) {
  /** The environment variable naming the bootstrap file. */
  public static final String ENV_BOOTSTRAP = XdsBootstrapEnvironment.BOOTSTRAP;
  /** The environment variable holding the bootstrap JSON itself; {@link #ENV_BOOTSTRAP} wins if both are set. */
  public static final String ENV_BOOTSTRAP_CONFIG = XdsBootstrapEnvironment.BOOTSTRAP_CONFIG;
  /** The client listener name template when the bootstrap gives none. */
  public static final String DEFAULT_CLIENT_LISTENER_RESOURCE_NAME_TEMPLATE = "%s";

  public XdsBootstrap {
    requireNonNull(source, "source");
    servers = List.copyOf(servers);
    requireNonNull(node, "node");
    certificateProviders = Collections.unmodifiableMap(new LinkedHashMap<>(certificateProviders));
    authorities = Collections.unmodifiableMap(new LinkedHashMap<>(authorities));
    ignoredFields = List.copyOf(ignoredFields);
  }

  /**
   * Reads the bootstrap as gRPC does: the file named by {@code GRPC_XDS_BOOTSTRAP}, else the JSON in
   * {@code GRPC_XDS_BOOTSTRAP_CONFIG}; an error if neither is set (empty counts as unset).
   */
  public static XdsBootstrap fromEnvironment() {
    return fromEnvironment(System::getenv);
  }

  /** {@link #fromEnvironment()} reading variables from {@code env} (null: unset). */
  static XdsBootstrap fromEnvironment(Function<String, @Nullable String> env) {
    return BootstrapParser.fromEnvironment(requireNonNull(env, "env"));
  }

  /** Reads and parses the bootstrap file at {@code path} (UTF-8). */
  public static XdsBootstrap fromPath(Path path) {
    return fromPath(requireNonNull(path, "path"), "");
  }

  static XdsBootstrap fromPath(Path path, String namedBy) {
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new XdsBootstrapException(BootstrapParser.prefix(path.toString()) + "no such file" + namedBy, e);
    } catch (AccessDeniedException e) {
      throw new XdsBootstrapException(BootstrapParser.prefix(path.toString()) + "cannot read: permission denied" + namedBy, e);
    } catch (CharacterCodingException e) {
      throw new XdsBootstrapException(BootstrapParser.prefix(path.toString()) + "not UTF-8 text (expected: a JSON file)", e);
    } catch (IOException e) {
      throw new XdsBootstrapException(BootstrapParser.prefix(path.toString()) + "cannot read: " + e + namedBy, e);
    }
    return BootstrapParser.parse(text, path.toString());
  }

  /**
   * Parses bootstrap JSON.
   *
   * @param sourceName where the text came from, named in every message
   */
  public static XdsBootstrap fromJson(String json, String sourceName) {
    return BootstrapParser.parse(requireNonNull(json, "json"), requireNonNull(sourceName, "sourceName"));
  }

  /** The first server: the one gRPC connects to (the rest are fallbacks). */
  public XdsServer primaryServer() {
    return servers.get(0);
  }

  /** Whether the primary server supports {@code ignore_resource_deletion} (gRFC A53). */
  public boolean ignoreResourceDeletion() {
    return !servers.isEmpty() && primaryServer().ignoreResourceDeletion();
  }

  /**
   * The Listener a server listening on {@code hostPort} ({@code 0.0.0.0:8080}, {@code [::]:8080})
   * subscribes to: the template with every {@code %s} replaced.
   *
   * @throws IllegalStateException if the bootstrap has no {@code server_listener_resource_name_template}
   */
  public String serverListenerResourceName(String hostPort) {
    requireNonNull(hostPort, "hostPort");
    if (serverListenerResourceNameTemplate == null) {
      throw new IllegalStateException(BootstrapParser.prefix(source)
          + "server_listener_resource_name_template: missing (expected: for an xDS server, a template such as "
          + "xds.istio.io/grpc/lds/inbound/%s)");
    }
    return serverListenerResourceNameTemplate.replace("%s", hostPort);
  }

  /** {@link #clientDefaultListenerResourceNameTemplate()} or its default {@code %s}. */
  public String effectiveClientDefaultListenerResourceNameTemplate() {
    return clientDefaultListenerResourceNameTemplate != null
        ? clientDefaultListenerResourceNameTemplate
        : DEFAULT_CLIENT_LISTENER_RESOURCE_NAME_TEMPLATE;
  }
}
