package io.meshlet.xds.bootstrap;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code xds_servers}: a management server's gRPC target, the channel credentials to
 * choose from (the first known type wins), and the features the server supports.
 *
 * <p>The target follows gRPC's naming: {@code unix:///absolute/path} or {@code unix:relative/path}
 * for a Unix domain socket (istio-agent's local proxy), {@code dns:///host:port} or a bare
 * {@code host:port} for DNS; other registered schemes ({@code ipv4:}, {@code xds:} ...) are kept as
 * written.
 */
public record XdsServer(String serverUri, List<ChannelCredentials> channelCredentials, List<String> serverFeatures) {
  /** The server speaks xDS transport v3 (gRFC A30). */
  public static final String FEATURE_XDS_V3 = "xds_v3";
  /** Keep resources the server deletes until it sends a replacement (gRFC A53). */
  public static final String FEATURE_IGNORE_RESOURCE_DELETION = "ignore_resource_deletion";

  /** Schemes a target is parsed as; anything else is a {@code host:port} resolved by DNS. */
  static final Set<String> SCHEMES = Set.of(
      "unix", "unix-abstract", "dns", "ipv4", "ipv6", "passthrough", "xds", "google-c2p", "vsock");

  public XdsServer {
    requireNonNull(serverUri, "serverUri");
    channelCredentials = List.copyOf(channelCredentials);
    serverFeatures = List.copyOf(serverFeatures);
  }

  public boolean xdsV3() {
    return serverFeatures.contains(FEATURE_XDS_V3);
  }

  public boolean ignoreResourceDeletion() {
    return serverFeatures.contains(FEATURE_IGNORE_RESOURCE_DELETION);
  }

  /** The first channel credentials of a known type (what gRPC would use), or null if none is known. */
  public @Nullable ChannelCredentials selectedChannelCredentials() {
    return channelCredentials.stream().filter(ChannelCredentials::isKnownType).findFirst().orElse(null);
  }

  /** The socket of a {@code unix:} target, normalized ({@code unix:///./etc/x} is {@code /etc/x}); else null. */
  public @Nullable Path unixSocketPath() {
    String path = unixPath(serverUri);
    return path == null || path.isEmpty() ? null : Path.of(path).normalize();
  }

  /** The {@code host:port} of a {@code dns:} or scheme-less target; else null. */
  public @Nullable String hostPort() {
    return hostPort(serverUri);
  }

  static @Nullable String scheme(String target) {
    int colon = target.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String scheme = target.substring(0, colon);
    return SCHEMES.contains(scheme) ? scheme : null;
  }

  /** The path of a {@code unix:} target ("" if none), or null if the target is not {@code unix:}. */
  static @Nullable String unixPath(String target) {
    if (!"unix".equals(scheme(target))) {
      return null;
    }
    String rest = target.substring("unix:".length());
    if (rest.startsWith("//")) {
      rest = rest.substring(2);
      // unix://authority/path is not supported by gRPC: only an empty authority.
      return rest.startsWith("/") ? rest : "";
    }
    return rest;
  }

  static @Nullable String hostPort(String target) {
    String scheme = scheme(target);
    if (scheme == null) {
      return target;
    }
    if (!scheme.equals("dns")) {
      return null;
    }
    String rest = target.substring("dns:".length());
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash + 1);
    }
    return rest;
  }
}
